#!/usr/bin/env python3
"""Which parts of an executable are resident in a running process, by owner.

    python3 benchmarks/resident_pages.py PID BINARY     (root, or the process's owner)

Reads /proc/PID/maps and /proc/PID/pagemap (bit 63: page present) for every mapping of BINARY,
attributes each resident page of executable code to the symbol covering it (`nm -n`), and sums
KiB by owner: the Swift module named in the mangled symbol, the Swift standard library, or a
C/C++ part guessed from the symbol's prefix. Pages are mapped around every fault (the kernel's
fault-around maps up to 64 KiB of a file that is in the page cache), so scattered use of a
library costs more than its size suggests.
"""
import bisect
import collections
import os
import re
import struct
import subprocess
import sys

C_PREFIXES = (
    ("uprv_", "ICU"), ("ucol_", "ICU"), ("ubrk_", "ICU"), ("icu_", "ICU"), ("_ZN6icu_", "ICU"),
    ("__CF", "CoreFoundation"), ("_CF", "CoreFoundation"), ("CF", "CoreFoundation"),
    ("CCryptoBoringSSL", "BoringSSL (swift-crypto)"), ("_dispatch", "libdispatch"), ("dispatch_", "libdispatch"),
    ("_ZN5swift", "Swift runtime"), ("_ZL", "Swift runtime / C++"), ("_ZN", "C++"),
)


def owner(name):
    if name.startswith("$s") or name.startswith("_$s"):
        rest = name.split("$s", 1)[1]
        if rest[:1] in ("s", "S"):
            return "Swift standard library"
        if rest.startswith("So") or rest.startswith("SC"):
            return "Swift (imported C types)"
        digits = re.match(r"(\d+)", rest)
        if digits:
            length = int(digits.group(1))
            return "Swift module " + rest[len(digits.group(1)):len(digits.group(1)) + length]
        return "Swift (other)"
    if name.startswith("swift_") or name.startswith("_swift"):
        return "Swift runtime"
    for prefix, part in C_PREFIXES:
        if name.startswith(prefix):
            return part
    return "other C (headers, metadata sections, libc shims)"


def main():
    pid, binary = sys.argv[1], os.path.realpath(sys.argv[2])
    page = os.sysconf("SC_PAGE_SIZE")
    maps = []
    for line in open(f"/proc/{pid}/maps"):
        parts = line.split()
        if len(parts) >= 6 and os.path.realpath(parts[5]) == binary:
            low, high = (int(x, 16) for x in parts[0].split("-"))
            maps.append((low, high, parts[1], int(parts[2], 16)))
    symbols = []
    for line in subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True).stdout.splitlines():
        fields = line.split()
        if len(fields) == 3:
            symbols.append((int(fields[0], 16), fields[2]))
    addresses = [s[0] for s in symbols]
    with open(binary, "rb") as f:
        f.seek(16)
        position_independent = struct.unpack("<H", f.read(2))[0] == 3
    base = min(low - offset for low, _, _, offset in maps) if position_independent else 0
    by_owner = collections.Counter()
    by_permissions = collections.Counter()
    pagemap = os.open(f"/proc/{pid}/pagemap", os.O_RDONLY)
    for low, high, permissions, _ in maps:
        count = (high - low) // page
        os.lseek(pagemap, (low // page) * 8, 0)
        entries = os.read(pagemap, count * 8)
        for i in range(count):
            if not struct.unpack_from("<Q", entries, i * 8)[0] >> 63 & 1:
                continue
            by_permissions[permissions] += 1
            if "x" in permissions:
                j = bisect.bisect_right(addresses, low + i * page - base + page // 2) - 1
                by_owner[owner(symbols[j][1]) if j >= 0 else "?"] += 1
    os.close(pagemap)
    total = sum(by_permissions.values())
    print(f"{binary}: {total * page / 1048576:.1f} MiB resident")
    for permissions, pages in sorted(by_permissions.items()):
        print(f"  {permissions}  {pages * page / 1048576:6.2f} MiB")
    print("executable pages by owner:")
    for name, pages in by_owner.most_common(40):
        print(f"  {pages * page // 1024:7d} KiB  {name}")


if __name__ == "__main__":
    main()
