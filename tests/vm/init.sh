#!/bin/busybox sh
# PID 1 of the lvscf test VM (busybox ash).  The harness (tests/vm/) writes:
#   /vm/job/script   the /bin/sh script to run (in /vm/in, the job's input files)
#   /vm/job/env      LIMIT=seconds the script may take; KEEPALIVED=0|1; PYTHON=0|1
#   /vm/modules      the kernel modules to load, one "name [parameters]" a line
# and reads back, from the second serial port (a plain file on the host, raw mode):
#   "lvscf-vm booted UPTIME"                          once PID 1 runs (the boot watchdog's sign)
#   "lvscf-vm report SIZE SHA256" + a tar of /vm/out  when the script is over
#   "lvscf-vm end"
# The script's own results go to $VM_OUT (/vm/out/files); /vm/out/_vm/ holds its exit status,
# stdout and stderr, what modprobe said, and dmesg.  The kernel console is the first serial port.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
umask 022

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run/netns /var/run /tmp /vm/out/_vm /vm/out/files /vm/in
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
ln -sf /proc/self/fd /dev/fd

report=/dev/ttyS1
stty -F "$report" raw -echo
uptime() { cut -d' ' -f1 /proc/uptime; }
# one open and close per message: the last close waits until the UART has sent everything
echo "lvscf-vm booted $(uptime)" > "$report"

finish() {
    cd /
    echo "$(uptime)" > /vm/out/_vm/uptime-end
    dmesg > /vm/out/_vm/dmesg 2>&1
    tar -cf /tmp/report.tar -C /vm/out . 2> /tmp/tar.err || cat /tmp/tar.err > /dev/console
    set -- $(sha256sum /tmp/report.tar)
    {
        echo "lvscf-vm report $(wc -c < /tmp/report.tar) $1"
        cat /tmp/report.tar
        echo "lvscf-vm end"
    } > "$report"
    sync
    poweroff -f
    sleep 2
    echo o > /proc/sysrq-trigger
}

LIMIT=60
. /vm/job/env

# the dynamic loader finds the libraries of every piece (base, keepalived, python) through one
# cache built here: each piece brings an /etc/ld.so.conf.d file naming its directories
ldconfig 2> /vm/out/_vm/ldconfig.err
echo "ldconfig $(uptime)" >> /vm/out/_vm/timing

# kernel modules: /vm/modules lists them with parameters; modprobe (busybox) reads the
# subset's own modules.dep for their dependencies
: > /vm/out/_vm/modules.loaded
: > /vm/out/_vm/modules.failed
while read -r name params; do
    [ -n "$name" ] || continue
    if modprobe "$name" $params 2>> /vm/out/_vm/modprobe.err; then
        echo "$name" >> /vm/out/_vm/modules.loaded
    else
        echo "$name" >> /vm/out/_vm/modules.failed
    fi
done < /vm/modules
echo "modules $(uptime)" >> /vm/out/_vm/timing

hostname lvscf-vm
ip link set lo up
sysctl -q -w kernel.printk="3 4 1 3" 2> /dev/null

export VM_IN=/vm/in VM_OUT=/vm/out/files
cd /vm/in
# the script's limit is counted from here; a script that overruns it is killed, and its output
# so far still comes back
echo "$(uptime)" > /vm/out/_vm/uptime-script
timeout -s KILL "$LIMIT" /bin/sh /vm/job/script < /dev/null > /vm/out/_vm/stdout 2> /vm/out/_vm/stderr
echo "$?" > /vm/out/_vm/rc
finish
