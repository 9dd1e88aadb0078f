"""Hypothesis strategies: typed models that Piranha's parser can produce."""

from __future__ import annotations

from ipaddress import IPv4Address

from hypothesis import strategies as st

from lvscf.emit.values import render_quoted_string, render_string
from lvscf.errors import UnrepresentableError
from lvscf.model.config import (
    UNSET_ADDRESS,
    Config,
    DeviceAddress,
    Failover,
    HostName,
    Network,
    Protocol,
    ReservationConflictAction,
    Scheduler,
    Server,
    Service,
    Virtual,
)

INT32 = st.integers(-(2**31), 2**31 - 1)
SMALL = st.integers(-5, 70000)
ADDRESSES = st.integers(0, 2**32 - 1).map(IPv4Address)
NONZERO = st.integers(1, 2**32 - 1).map(IPv4Address)
_LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12).filter(lambda s: s[0] != "-")
HOSTNAMES = st.builds(lambda a, b: HostName(f"{a}.{b}"), _LABEL, _LABEL).filter(
    lambda h: not all(c in "0123456789." for c in h.name))
HOSTS = st.one_of(ADDRESSES, HOSTNAMES)
NONZERO_HOSTS = st.one_of(NONZERO, HOSTNAMES)
# Printable text with blanks and both quotes, but no line ends or NUL.
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n\0\x85\u2028\u2029")
               | st.sampled_from(" \t\"'#={}[]"), max_size=30)


def _renders(render):
    def ok(value: str) -> bool:
        try:
            render(value, "x")
        except UnrepresentableError:
            return False
        return True
    return ok


STRINGS = TEXT.filter(_renders(render_string))
QUOTED = TEXT.filter(_renders(render_quoted_string))
NAMES = TEXT.filter(lambda s: s not in ("{", "}") and _renders(lambda v, k: render_string(v, k, last=False))(s))
DEVICES = st.text("abcdefghijklmnopqrstuvwxyz0123456789:.", min_size=1, max_size=10)
DEVICE_ADDRESSES = st.builds(DeviceAddress, HOSTS, DEVICES)
WORDS = STRINGS.filter(lambda s: s not in ("", "]")).filter(_renders(lambda v, k: render_string(v, k, last=False)))


def servers(port: int):
    return st.builds(Server, name=NAMES, address=HOSTS, active=st.booleans(), weight=INT32,
                     port=st.one_of(st.just(port), SMALL))


@st.composite
def service_blocks(draw, cls):
    port = draw(SMALL)
    return cls(
        name=draw(NAMES), active=draw(st.booleans()), address=draw(st.none() | DEVICE_ADDRESSES),
        vip_nmask=draw(ADDRESSES), port=port, protocol=draw(st.sampled_from(Protocol)), fwmark=draw(INT32),
        scheduler=draw(st.sampled_from(Scheduler)), persistent=draw(SMALL),
        pmask=draw(ADDRESSES.filter(lambda a: a != IPv4Address("255.255.255.255"))),
        send=draw(st.none() | QUOTED), expect=draw(st.none() | QUOTED), use_regex=draw(st.booleans()),
        send_program=draw(st.none() | QUOTED), load_monitor=draw(st.none() | STRINGS), timeout=draw(SMALL),
        reentry=draw(SMALL), quiesce_server=draw(st.booleans()), sorry_server=draw(ADDRESSES),
        client_monitor=draw(STRINGS), start_cmd=draw(st.none() | QUOTED), stop_cmd=draw(st.none() | QUOTED),
        master=draw(HOSTS), dirs=draw(st.none() | st.tuples(*[WORDS] * draw(st.integers(0, 3)))),
        servers=tuple(draw(st.lists(servers(port), max_size=3))),
    )


@st.composite
def configs(draw) -> Config:
    primary = draw(st.one_of(st.just(UNSET_ADDRESS), NONZERO_HOSTS))
    backup = draw(HOSTS)
    if primary != UNSET_ADDRESS and draw(st.booleans()):
        primary_private, backup_private = primary, backup  # derived by Piranha
    elif primary != UNSET_ADDRESS:
        primary_private = draw(NONZERO_HOSTS)
        backup_private = draw(st.one_of(st.just(UNSET_ADDRESS), NONZERO_HOSTS))
    else:
        primary_private = draw(st.one_of(st.just(UNSET_ADDRESS), NONZERO_HOSTS))
        backup_private = draw(st.one_of(st.just(UNSET_ADDRESS), NONZERO_HOSTS))
    return Config(
        service=draw(st.sampled_from(Service)), primary=primary, primary_private=primary_private,
        primary_shared=draw(st.none() | STRINGS), backup=backup, backup_active=draw(st.booleans()),
        backup_private=backup_private, backup_shared=draw(st.none() | STRINGS),
        reservation_conflict_action=draw(st.none() | st.sampled_from(ReservationConflictAction)),
        heartbeat=draw(st.booleans()), heartbeat_port=draw(SMALL), keepalive=draw(SMALL), deadtime=draw(SMALL),
        network=draw(st.sampled_from(Network)), nat_router=draw(st.none() | DEVICE_ADDRESSES),
        nat_nmask=draw(ADDRESSES), rsh_command=draw(STRINGS), debug_level=draw(STRINGS), serial_no=draw(INT32),
        monitor_links=draw(INT32), syncdaemon=draw(st.booleans()), syncd_iface=draw(STRINGS), syncd_id=draw(INT32),
        tcp_timeout=draw(SMALL), tcpfin_timeout=draw(SMALL), udp_timeout=draw(SMALL),
        hard_shutdown=draw(st.booleans()), active_cmd=draw(st.none() | STRINGS),
        inactive_cmd=draw(st.none() | STRINGS), ipvsadm=draw(STRINGS), sync=draw(st.booleans()),
        virtuals=tuple(draw(st.lists(service_blocks(Virtual), max_size=3))),
        failovers=tuple(draw(st.lists(service_blocks(Failover), max_size=2))),
    )
