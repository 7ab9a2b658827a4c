#!/usr/bin/env python3
"""Independent generator for the tkms known-answer vectors.

Documentation only: the Maven build never runs this. It re-implements the
ciphertext format v1 (docs/ciphertext-format.md) and the EncryptionContext
canonical form with the `cryptography` package and the standard library, so
the Java implementation is checked against code that shares nothing with it.

    python3 src/test/resources/vectors/gen_ciphertext_vectors.py

rewrites, next to this script:
  ciphertext-v1.txt                    blocks of name=value lines
  encryption-context-canonical.txt     json<TAB>hex lines
"""

import base64
import hashlib
import json
import os
import struct
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = os.path.dirname(os.path.abspath(__file__))
FORMAT_V1 = 0x01


def context_pairs(text):
    """JSON object of strings -> list of (key, value); '' means no context."""
    if text == "":
        return []

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), "duplicate key"
        return pairs

    pairs = json.loads(text, object_pairs_hook=no_duplicates)
    assert isinstance(pairs, list)
    for k, v in pairs:
        assert isinstance(k, str) and isinstance(v, str)
    assert len(text.encode("utf-8")) <= 1024
    return pairs


def canonical_context(text):
    pairs = sorted(
        ((k.encode("utf-8"), v.encode("utf-8")) for k, v in context_pairs(text)),
        key=lambda kv: kv[0],  # bytes compare unsigned-lexicographically
    )
    out = struct.pack(">I", len(pairs))
    for k, v in pairs:
        out += struct.pack(">I", len(k)) + k + struct.pack(">I", len(v)) + v
    return out


def seal(material, key_id, key_version, app_id, context, salt, nonce, plaintext):
    header = (
        bytes([FORMAT_V1])
        + uuid.UUID(key_id).bytes
        + struct.pack(">I", key_version)
        + salt
    )
    assert len(header) == 37
    message_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=header
    ).derive(material)
    app = app_id.encode("utf-8")
    aad = header + struct.pack(">I", len(app)) + app + canonical_context(context)
    sealed = AESGCM(message_key).encrypt(nonce, plaintext, aad)
    return header + nonce + sealed


def pattern(hex_pattern, length):
    unit = bytes.fromhex(hex_pattern)
    return (unit * (length // len(unit) + 1))[:length]


def h(label, n):
    """Deterministic filler bytes, so vectors are reproducible and not all-zero."""
    return hashlib.sha256(label.encode()).digest()[:n]


BYTES_00_FF = bytes(range(256)).hex()

CIPHERTEXT_VECTORS = [
    dict(
        name="empty-context",
        material=bytes(range(32)),
        keyId="3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c",
        keyVersion=1,
        appId="1250000000",
        context="",
        salt=bytes(range(0xA0, 0xB0)),
        nonce=bytes(range(0xB0, 0xBC)),
        plaintext=b"hello, tkms",
    ),
    dict(
        # Same inputs as empty-context: {} and "no context" authenticate identically.
        name="empty-object-context",
        material=bytes(range(32)),
        keyId="3f2a6c1e-9b7d-4e21-8c5a-0d6f1b2e3a4c",
        keyVersion=1,
        appId="1250000000",
        context="{}",
        salt=bytes(range(0xA0, 0xB0)),
        nonce=bytes(range(0xB0, 0xBC)),
        plaintext=b"hello, tkms",
    ),
    dict(
        name="non-empty-context",
        material=h("material-2", 32),
        keyId="c0ffee00-1234-4abc-9def-00112233aabb",
        keyVersion=2,
        appId="1300000001",
        context='{"tenant":"acme", "purpose":"billing","\\u540d":"\u503c","emoji":"\\ud83d\\ude00"}',
        salt=h("salt-2", 16),
        nonce=h("nonce-2", 12),
        plaintext=h("plaintext-2", 32),
    ),
    dict(
        name="empty-plaintext",
        material=h("material-3", 32),
        keyId="00000000-0000-4000-8000-000000000001",
        keyVersion=3,
        appId="1250000000",
        context='{"k":"v"}',
        salt=h("salt-3", 16),
        nonce=h("nonce-3", 12),
        plaintext=b"",
    ),
    dict(
        name="max-plaintext",
        material=h("material-4", 32),
        keyId="ffffffff-ffff-4fff-bfff-ffffffffffff",
        keyVersion=0x7FFFFFFF,
        appId="1250000000",
        context='{"b":"2","a":"1","ab":"c"}',
        salt=h("salt-4", 16),
        nonce=h("nonce-4", 12),
        plaintextPattern=BYTES_00_FF,
        plaintextLength=4096,
    ),
]

# Chosen to pin down: empty, escapes, key order, length prefixes, UTF-8 (not UTF-16) ordering.
CONTEXT_VECTORS = [
    "{}",
    '{"a":"b"}',
    '{"ab":"c"}',
    '{"a":"bc"}',
    '{"b":"1","a":"2"}',
    '{ "z" : "last" ,  "" : "empty key", "m":"" }  ',
    '{"esc":"q\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f"}',
    '{"\\u00e9t\\u00E9":"\u00e9t\u00e9"}',
    '{"\u540d\u524d":"\u5024","\u30ad\u30fc":"\\u30d0\\u30ea\\u30e5\\u30fc"}',
    # U+FF21 sorts before U+1F600 in UTF-8 but after it in UTF-16.
    '{"\\ud83d\\ude00":"emoji","\uff21":"fullwidth A"}',
    '{"x":"\U0001f600\\ud83d\\ude00"}',
]


def main():
    lines = [
        "# tkms ciphertext format v1 known-answer vectors.",
        "# Generated by gen_ciphertext_vectors.py (python cryptography), not by the Java code.",
        "# Blocks of name=value lines separated by blank lines. Hex is lower case.",
        "# plaintextPattern/plaintextLength: the hex pattern repeated, cut to the length.",
        "# context is the JSON text as a client sends it; empty means no context.",
        "",
    ]
    for v in CIPHERTEXT_VECTORS:
        if "plaintext" in v:
            plaintext = v["plaintext"]
        else:
            plaintext = pattern(v["plaintextPattern"], v["plaintextLength"])
        blob = seal(
            v["material"], v["keyId"], v["keyVersion"], v["appId"], v["context"],
            v["salt"], v["nonce"], plaintext,
        )
        lines += [
            "name=" + v["name"],
            "material=" + v["material"].hex(),
            "keyId=" + v["keyId"],
            "keyVersion=" + str(v["keyVersion"]),
            "appId=" + v["appId"],
            "context=" + v["context"],
            "salt=" + v["salt"].hex(),
            "nonce=" + v["nonce"].hex(),
        ]
        if "plaintext" in v:
            lines.append("plaintext=" + plaintext.hex())
        else:
            lines.append("plaintextPattern=" + v["plaintextPattern"])
            lines.append("plaintextLength=" + str(v["plaintextLength"]))
        lines += ["blob=" + base64.b64encode(blob).decode("ascii"), ""]
    with open(os.path.join(HERE, "ciphertext-v1.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))

    out = [
        "# EncryptionContext canonical form known answers: json<TAB>hex (hex of canonical()).",
        "# Generated by gen_ciphertext_vectors.py; JSON texts contain no raw tabs.",
    ]
    for text in CONTEXT_VECTORS:
        # One vector per line, tab-separated: raw tabs and newlines would break the format.
        assert "\t" not in text and "\n" not in text
        out.append(text + "\t" + canonical_context(text).hex())
    with open(
        os.path.join(HERE, "encryption-context-canonical.txt"), "w", encoding="utf-8", newline="\n"
    ) as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
