"""Value semantics: C strtol, glibc inet_aton, service names (lvs-cf-format.md §2.6)."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from lvscf.model.values import HostName, inet_aton, read_host, read_int, read_port


@pytest.mark.parametrize("text, value", [
    ("80", 80), ("010", 8), ("0x10", 16), ("0X1f", 31), ("-1", -1), ("+7", 7), (" 80", 80), ("", 0), ("0", 0),
    ("00", 0), ("-010", -8),
    # A C long stored in a C int keeps its low 32 bits.
    ("4294967376", 80), ("2147483648", -2147483648), ("99999999999999999999", -1),
])
def test_integers_as_strtol_base_0(text, value):
    assert read_int(text).value == value


@pytest.mark.parametrize("text", ["08", "09", "0x", "0xg", "80 ", " ", "+", "-", "1.5", "1e3", "ten", "٣"])
def test_not_integers(text):
    assert read_int(text) is None


def test_integer_notes_for_linting():
    assert read_int("010").base == 8 and read_int("0x10").base == 16
    assert read_int("").empty and read_int("+1").signed and read_int(" 1").padded
    assert read_int("4294967376").wrapped and not read_int("80").wrapped


@pytest.mark.parametrize("text, address", [
    ("10.0.0.1", "10.0.0.1"), ("10.1", "10.0.0.1"), ("10", "0.0.0.10"), ("1.2.3", "1.2.0.3"),
    ("010.0.0.1", "8.0.0.1"), ("0x0a.0.0.1", "10.0.0.1"), ("4294967295", "255.255.255.255"),
    ("10.0.0.1 trailing text", "10.0.0.1"), ("10.0.0.1\f", "10.0.0.1"),
])
def test_inet_aton(text, address):
    assert inet_aton(text).address == IPv4Address(address)


@pytest.mark.parametrize("text", ["10.0.0.256", "10.0.0.1x", "08.1.1.1", "4294967296", "1.2.3.4.5", "", " 1.2.3.4",
                                  "a.b.c.d", "1.2.3.4:80"])
def test_not_inet_aton(text):
    assert inet_aton(text) is None


def test_inet_aton_notes_for_linting():
    assert inet_aton("10.1").shorthand and inet_aton("010.0.0.1").octal_or_hex
    assert not inet_aton("10.0.0.1").shorthand and not inet_aton("10.0.0.0").octal_or_hex


def test_host_names_are_kept_unresolved():
    assert read_host("web1.example.com") == HostName("web1.example.com")


@pytest.mark.parametrize("text, reason", [("10.0.0.256", "not a valid IPv4"), ("10.0.0.1:80", "port"),
                                          ("2001:db8::1", "IPv4 only"), ("10.0.0.0/24", "prefix"),
                                          ("a b", "neither")])
def test_impossible_hosts(text, reason):
    assert reason in read_host(text)


@pytest.mark.parametrize("text, port", [("http", 80), ("www", 80), ("https", 443), ("mysql", 3306),
                                        ("http-alt", 8080), ("domain", 53), ("8080", 8080), ("0x50", 80)])
def test_ports_numbers_or_tcp_service_names(text, port):
    number, _ = read_port(text)
    assert number.value == port


def test_unknown_service_name():
    assert read_port("no-such-service") == (None, None)
