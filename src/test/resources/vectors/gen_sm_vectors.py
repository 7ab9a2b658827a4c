#!/usr/bin/env python3
"""Independent generator for the known-answer vectors of ciphertext format v2 (the SM profile).

Documentation only: the Maven build never runs this. Format v2 is format v1
(docs/ciphertext-format.md) with the Chinese national algorithms in place of
AES-256-GCM and HKDF-SHA256:

    header      = 0x02 || key id (16) || u32be key version || salt (16)      37 bytes
    message_key = HKDF-SM3(IKM = CMK material (16 bytes), salt = salt,
                           info = header, L = 16)                          RFC 5869 with SM3
    blob        = header || nonce (12) || SM4-GCM(message_key, nonce,
                                                  plaintext, AAD) || tag (16)
    AAD         = header || u32be(len(appId)) || appId || canonical(context)   as in v1

Python's standard library and OpenSSL 3.0 have SM3 and SM4-ECB/CTR but no
SM4-GCM, and the `cryptography` package is not needed: SM3, SM4 and GCM (CTR
plus GHASH) are written out below from their specifications (GB/T 32905,
GB/T 32907, NIST SP 800-38D), sharing nothing with BouncyCastle. Before writing
anything the script checks itself against:
  - the standards' own examples (SM3 "abc" and the 64-byte message, SM4's
    single block),
  - RFC 8998 appendix A.1 (SM4-GCM),
  - OpenSSL 3 on this machine when `openssl` is on the PATH (SM3 digests,
    HMAC-SM3, SM4-ECB, and SM4-CTR for every vector's GCM keystream).

    python3 src/test/resources/vectors/gen_sm_vectors.py

rewrites, next to this script:
  ciphertext-v2-sm.txt    blocks of name=value lines, as ciphertext-v1.txt
"""

import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT_V2 = 0x02
MASK32 = 0xFFFFFFFF


# ---- shared with format v1 (as gen_ciphertext_vectors.py writes them) ------------------------


def canonical_context(text):
    """uint32 count, then (uint32 len, key, uint32 len, value) sorted by the key's UTF-8 bytes."""
    pairs = []
    if text != "":
        def no_duplicates(items):
            assert len({k for k, _ in items}) == len(items), "duplicate key"
            return items

        pairs = json.loads(text, object_pairs_hook=no_duplicates)
    encoded = sorted(((k.encode("utf-8"), v.encode("utf-8")) for k, v in pairs), key=lambda kv: kv[0])
    out = struct.pack(">I", len(encoded))
    for k, v in encoded:
        out += struct.pack(">I", len(k)) + k + struct.pack(">I", len(v)) + v
    return out


def pattern(hex_pattern, length):
    unit = bytes.fromhex(hex_pattern)
    return (unit * (length // len(unit) + 1))[:length]


def h(label, n):
    """Deterministic filler bytes, so vectors are reproducible and not all-zero."""
    return hashlib.sha256(label.encode()).digest()[:n]


BYTES_00_FF = bytes(range(256)).hex()


def rotl(x, n):
    n %= 32
    return ((x << n) | (x >> (32 - n))) & MASK32


# ---- SM3 (GB/T 32905-2016) -----------------------------------------------------------------

SM3_IV = [
    0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600,
    0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E,
]


def _p0(x):
    return x ^ rotl(x, 9) ^ rotl(x, 17)


def _p1(x):
    return x ^ rotl(x, 15) ^ rotl(x, 23)


def _sm3_compress(v, block):
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_p1(w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)) ^ rotl(w[j - 13], 7) ^ w[j - 6])
    w1 = [w[j] ^ w[j + 4] for j in range(64)]
    a, b, c, d, e, f, g, hh = v
    for j in range(64):
        t = 0x79CC4519 if j < 16 else 0x7A879D8A
        ss1 = rotl((rotl(a, 12) + e + rotl(t, j)) & MASK32, 7)
        ss2 = ss1 ^ rotl(a, 12)
        if j < 16:
            ff = a ^ b ^ c
            gg = e ^ f ^ g
        else:
            ff = (a & b) | (a & c) | (b & c)
            gg = (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + w1[j]) & MASK32
        tt2 = (gg + hh + ss1 + w[j]) & MASK32
        d = c
        c = rotl(b, 9)
        b = a
        a = tt1
        hh = g
        g = rotl(f, 19)
        f = e
        e = _p0(tt2)
    return [x ^ y for x, y in zip(v, [a, b, c, d, e, f, g, hh])]


def sm3(data):
    bit_length = len(data) * 8
    padded = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack(">Q", bit_length)
    assert len(padded) % 64 == 0
    v = SM3_IV
    for i in range(0, len(padded), 64):
        v = _sm3_compress(v, padded[i : i + 64])
    return struct.pack(">8I", *v)


def hmac_sm3(key, message):
    block = 64
    if len(key) > block:
        key = sm3(key)
    key = key.ljust(block, b"\x00")
    inner = sm3(bytes(k ^ 0x36 for k in key) + message)
    return sm3(bytes(k ^ 0x5C for k in key) + inner)


def hkdf_sm3(ikm, salt, info, length):
    """RFC 5869 with HMAC-SM3 (HashLen 32)."""
    prk = hmac_sm3(salt if salt else b"\x00" * 32, ikm)
    okm = b""
    block = b""
    counter = 1
    while len(okm) < length:
        block = hmac_sm3(prk, block + info + bytes([counter]))
        okm += block
        counter += 1
    return okm[:length]


# ---- SM4 (GB/T 32907-2016) -----------------------------------------------------------------

SBOX = bytes.fromhex(
    "d690e9fecce13db716b614c228fb2c05"
    "2b679a762abe04c3aa44132649860699"
    "9c4250f491ef987a33540b43edcfac62"
    "e4b31ca9c908e89580df94fa758f3fa6"
    "4707a7fcf37317ba83593c19e6854fa8"
    "686b81b27164da8bf8eb0f4b70569d35"
    "1e240e5e6358d1a225227c3b01217887"
    "d40046579fd327524c3602e7a0c4c89e"
    "eabf8ad240c738b5a3f7f2cef96115a1"
    "e0ae5da49b341a55ad933230f58cb1e3"
    "1df6e22e8266ca60c02923ab0d534e6f"
    "d5db3745defd8e2f03ff6a726d6c5b51"
    "8d1baf92bbddbc7f11d95c411f105ad8"
    "0ac13188a5cd7bbd2d74d012b8e5b4b0"
    "8969974a0c96777e65b9f109c56ec684"
    "18f07dec3adc4d2079ee5f3ed7cb3948"
)
FK = [0xA3B1BAC6, 0x56AA3350, 0x677D9197, 0xB27022DC]
CK = [
    ((4 * i) * 7 % 256) << 24
    | ((4 * i + 1) * 7 % 256) << 16
    | ((4 * i + 2) * 7 % 256) << 8
    | ((4 * i + 3) * 7 % 256)
    for i in range(32)
]


def _tau(x):
    return int.from_bytes(bytes(SBOX[b] for b in x.to_bytes(4, "big")), "big")


def _t(x):
    b = _tau(x)
    return b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24)


def _t_key(x):
    b = _tau(x)
    return b ^ rotl(b, 13) ^ rotl(b, 23)


def sm4_round_keys(key):
    assert len(key) == 16
    k = [m ^ f for m, f in zip(struct.unpack(">4I", key), FK)]
    rk = []
    for i in range(32):
        k.append(k[i] ^ _t_key(k[i + 1] ^ k[i + 2] ^ k[i + 3] ^ CK[i]))
        rk.append(k[-1])
    return rk


def sm4_encrypt_block(rk, block):
    x = list(struct.unpack(">4I", block))
    for i in range(32):
        x.append(x[i] ^ _t(x[i + 1] ^ x[i + 2] ^ x[i + 3] ^ rk[i]))
    return struct.pack(">4I", x[35], x[34], x[33], x[32])


# ---- GCM over SM4 (NIST SP 800-38D, 96-bit IV, 128-bit tag) -------------------------------

R = 0xE1 << 120


def _gf_mult(x, y):
    z = 0
    v = y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ R if v & 1 else v >> 1
    return z


def _ghash(hkey, data):
    y = 0
    for i in range(0, len(data), 16):
        y = _gf_mult(y ^ int.from_bytes(data[i : i + 16], "big"), hkey)
    return y


def _pad16(b):
    return b + b"\x00" * (-len(b) % 16)


def _ctr(rk, counter_block, data):
    out = bytearray()
    prefix, counter = counter_block[:12], int.from_bytes(counter_block[12:], "big")
    for i in range(0, len(data), 16):
        keystream = sm4_encrypt_block(rk, prefix + counter.to_bytes(4, "big"))
        out += bytes(a ^ b for a, b in zip(data[i : i + 16], keystream))
        counter = (counter + 1) & MASK32
    return bytes(out)


def sm4_gcm_seal(key, nonce, plaintext, aad):
    assert len(nonce) == 12
    rk = sm4_round_keys(key)
    hkey = int.from_bytes(sm4_encrypt_block(rk, b"\x00" * 16), "big")
    j0 = nonce + b"\x00\x00\x00\x01"
    ciphertext = _ctr(rk, nonce + b"\x00\x00\x00\x02", plaintext)
    lengths = struct.pack(">QQ", len(aad) * 8, len(ciphertext) * 8)
    s = _ghash(hkey, _pad16(aad) + _pad16(ciphertext) + lengths)
    tag = bytes(a ^ b for a, b in zip(s.to_bytes(16, "big"), sm4_encrypt_block(rk, j0)))
    return ciphertext + tag


# ---- self-checks ---------------------------------------------------------------------------


def check_standards():
    # GB/T 32905-2016 appendix A.
    assert sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )
    # GB/T 32907-2016 appendix A.1.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert sm4_encrypt_block(sm4_round_keys(key), key).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )
    # RFC 8998 appendix A.1 (SM4-GCM).
    sealed = sm4_gcm_seal(
        key,
        bytes.fromhex("00001234567800000000abcd"),
        bytes.fromhex(
            "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
            "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
        ),
        bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
    )
    assert sealed[:-16].hex() == (
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
    ), sealed[:-16].hex()
    assert sealed[-16:].hex() == "83de3541e4c2b58177e065a9bf7b62ec", sealed[-16:].hex()


def openssl(*args, data=b""):
    return subprocess.run(
        ["openssl", *args], input=data, stdout=subprocess.PIPE, check=True
    ).stdout


def check_against_openssl(vectors):
    if shutil.which("openssl") is None:
        print("openssl not found: checked against the standards' examples only")
        return
    for message in (b"", b"abc", bytes(range(200))):
        out = openssl("dgst", "-sm3", "-binary", data=message)
        assert out == sm3(message), message
        key = h("hmac-key", 40)
        out = openssl("dgst", "-sm3", "-binary", "-mac", "HMAC", "-macopt", "hexkey:" + key.hex(),
                      data=message)
        assert out == hmac_sm3(key, message), message
    key = h("ecb-key", 16)
    block = h("ecb-block", 16)
    out = openssl("enc", "-sm4-ecb", "-nopad", "-K", key.hex(), data=block)
    assert out == sm4_encrypt_block(sm4_round_keys(key), block)
    # Each vector's GCM ciphertext is SM4-CTR from counter 2 (OpenSSL's CTR increments all 128
    # bits, GCM only the low 32: the same for these lengths).
    for v in vectors:
        message_key, _, aad = derive(v)
        expected = sm4_gcm_seal(message_key, v["nonce"], plaintext_of(v), aad)[:-16]
        out = openssl("enc", "-sm4-ctr", "-K", message_key.hex(),
                      "-iv", (v["nonce"] + b"\x00\x00\x00\x02").hex(), data=plaintext_of(v))
        assert out == expected, v["name"]
    print("checked against", openssl("version").decode().strip())


# ---- format v2 -----------------------------------------------------------------------------


def plaintext_of(v):
    if "plaintext" in v:
        return v["plaintext"]
    return pattern(v["plaintextPattern"], v["plaintextLength"])


def derive(v):
    header = (
        bytes([FORMAT_V2])
        + uuid.UUID(v["keyId"]).bytes
        + struct.pack(">I", v["keyVersion"])
        + v["salt"]
    )
    assert len(header) == 37
    message_key = hkdf_sm3(v["material"], v["salt"], header, 16)
    app = v["appId"].encode("utf-8")
    aad = header + struct.pack(">I", len(app)) + app + canonical_context(v["context"])
    return message_key, header, aad


def seal(v):
    message_key, header, aad = derive(v)
    return header + v["nonce"] + sm4_gcm_seal(message_key, v["nonce"], plaintext_of(v), aad)


VECTORS = [
    dict(
        name="sm-empty-context",
        material=bytes(range(16)),
        keyId="3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c",
        keyVersion=1,
        appId="1250000000",
        context="",
        salt=bytes(range(0xA0, 0xB0)),
        nonce=bytes(range(0xB0, 0xBC)),
        plaintext=b"hello, tkms",
    ),
    dict(
        # Same inputs as sm-empty-context: {} and "no context" authenticate identically.
        name="sm-empty-object-context",
        material=bytes(range(16)),
        keyId="3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c",
        keyVersion=1,
        appId="1250000000",
        context="{}",
        salt=bytes(range(0xA0, 0xB0)),
        nonce=bytes(range(0xB0, 0xBC)),
        plaintext=b"hello, tkms",
    ),
    dict(
        name="sm-non-empty-context",
        material=h("sm-material-2", 16),
        keyId="c0ffee00-1234-4abc-9def-00112233aabb",
        keyVersion=2,
        appId="1300000001",
        context='{"tenant":"acme", "purpose":"billing","\\u540d":"\u503c","emoji":"\\ud83d\\ude00"}',
        salt=h("sm-salt-2", 16),
        nonce=h("sm-nonce-2", 12),
        plaintext=h("sm-plaintext-2", 32),
    ),
    dict(
        name="sm-empty-plaintext",
        material=h("sm-material-3", 16),
        keyId="00000000-0000-4000-8000-000000000001",
        keyVersion=3,
        appId="1250000000",
        context='{"k":"v"}',
        salt=h("sm-salt-3", 16),
        nonce=h("sm-nonce-3", 12),
        plaintext=b"",
    ),
    dict(
        name="sm-max-plaintext",
        material=h("sm-material-4", 16),
        keyId="ffffffff-ffff-4fff-bfff-ffffffffffff",
        keyVersion=0x7FFFFFFF,
        appId="1250000000",
        context='{"b":"2","a":"1","ab":"c"}',
        salt=h("sm-salt-4", 16),
        nonce=h("sm-nonce-4", 12),
        plaintextPattern=BYTES_00_FF,
        plaintextLength=4096,
    ),
]


def write_vectors():
    lines = [
        "# tkms ciphertext format v2 (SM profile) known-answer vectors.",
        "# Generated by gen_sm_vectors.py (SM3, SM4 and GCM written out in Python, checked against",
        "# the standards' examples, RFC 8998 and OpenSSL), not by the Java code.",
        "# Blocks of name=value lines separated by blank lines. Hex is lower case.",
        "# plaintextPattern/plaintextLength: the hex pattern repeated, cut to the length.",
        "# context is the JSON text as a client sends it; empty means no context.",
        "# messageKey is HKDF-SM3's output, for debugging an implementation step by step.",
        "",
    ]
    for v in VECTORS:
        message_key, _, _ = derive(v)
        lines.append("name=" + v["name"])
        for field in ("material", "keyId", "keyVersion", "appId", "context", "salt", "nonce"):
            value = v[field]
            lines.append(field + "=" + (value.hex() if isinstance(value, bytes) else str(value)))
        if "plaintext" in v:
            lines.append("plaintext=" + v["plaintext"].hex())
        else:
            lines.append("plaintextPattern=" + v["plaintextPattern"])
            lines.append("plaintextLength=" + str(v["plaintextLength"]))
        lines.append("messageKey=" + message_key.hex())
        lines.append("blob=" + base64.b64encode(seal(v)).decode("ascii"))
        lines.append("")
    with open(os.path.join(HERE, "ciphertext-v2-sm.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    check_standards()
    check_against_openssl(VECTORS)
    write_vectors()
    print("wrote ciphertext-v2-sm.txt")
