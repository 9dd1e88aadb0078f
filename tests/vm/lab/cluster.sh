# The classic LVS-NAT tutorial cluster, as network namespaces inside the VM (source this file):
#
#   client 192.168.0.2 --eth0-- 192.168.0.41 [director] 10.0.0.1 --eth1-- br0 --+-- rs1 10.0.0.2
#                                                                               +-- rs2 10.0.0.3
#
# lab_up builds it (the real servers' default route is the director, as the tutorial says);
# lab_serve NS starts a web server in NS serving /srv/NS (its log: /tmp/NS-http.log);
# lab_wait_http NS URL waits (bounded) until URL answers from NS.  The director starts with no
# IPVS service: load one with `on director ipvsadm-restore < rules`.

on() { ip netns exec "$@"; }   # on NS COMMAND...: run it in machine NS

lab_up() {
    for ns in client director rs1 rs2; do
        ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
    done
    # 192.168.0.0/24: a veth pair, client <-> director
    ip link add c-eth0 type veth peer name d-eth0 || return 1
    ip link set c-eth0 netns client && ip -n client link set c-eth0 name eth0
    ip link set d-eth0 netns director && ip -n director link set d-eth0 name eth0
    # 10.0.0.0/24: a bridge in the VM's own namespace, one veth pair per machine
    ip link add br0 type bridge forward_delay 0 && ip link set br0 up || return 1
    for spec in director:eth1 rs1:eth0 rs2:eth0; do
        ns=${spec%:*} dev=${spec#*:}
        ip link add "x-$ns" type veth peer name "br-$ns" || return 1
        ip link set "br-$ns" master br0 up
        ip link set "x-$ns" netns "$ns" && ip -n "$ns" link set "x-$ns" name "$dev"
    done
    ip -n client addr add 192.168.0.2/24 dev eth0
    ip -n director addr add 192.168.0.41/24 dev eth0
    ip -n director addr add 10.0.0.1/24 dev eth1
    ip -n rs1 addr add 10.0.0.2/24 dev eth0
    ip -n rs2 addr add 10.0.0.3/24 dev eth0
    for spec in client:eth0 director:eth0 director:eth1 rs1:eth0 rs2:eth0; do
        ip -n "${spec%:*}" link set "${spec#*:}" up || return 1
    done
    ip -n rs1 route add default via 10.0.0.1 && ip -n rs2 route add default via 10.0.0.1 || return 1
    on director sysctl -q -w net.ipv4.ip_forward=1
}

lab_serve() {   # lab_serve NS: python's http.server on port 80 of NS, serving /srv/NS
    ip netns exec "$1" python3 -m http.server 80 --directory "/srv/$1" > "/tmp/$1-http.log" 2>&1 &
}

lab_wait_http() {   # lab_wait_http NS URL [SECONDS]: until URL answers from NS (default 60 s)
    end=$(( $(cut -d. -f1 /proc/uptime) + ${3:-60} ))
    until on "$1" timeout 5 wget -q -O /dev/null "$2" 2> /dev/null; do
        [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || { echo "no answer from $2 in $1" >&2; return 1; }
        sleep 0.5
    done
}
