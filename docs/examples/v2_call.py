#!/usr/bin/env python3
"""Send one signed Tencent KMS API 2.0 request to a tkms server (standard library only).

Usage:
  python3 docs/examples/v2_call.py [--url http://127.0.0.1:8080] [--credentials ./data/dev-credentials] \
      Action [name=value ...]

Examples:
  python3 docs/examples/v2_call.py CreateKey alias=orders description="orders table"
  python3 docs/examples/v2_call.py Encrypt keyId=<id> plaintext=$(printf 'hello' | base64)
  python3 docs/examples/v2_call.py Decrypt ciphertextBlob=<blob>

The credentials file holds appId=, secretId= and secretKey= lines (the development credential the
server writes on first start has that shape). The secret key is read from the file, never from the
command line, so it does not land in shell history.
"""
import argparse, base64, hashlib, hmac, json, random, sys, time, urllib.parse, urllib.request


def read_credentials(path):
    creds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                creds[k.strip()] = v.strip()
    return creds["secretId"], creds["secretKey"]


def sign(method, host, path, params, secret_key):
    # Sort by name, join raw (undecoded) values, '_' in names becomes '.', HmacSHA256 + base64.
    pairs = "&".join(f"{k.replace('_', '.')}={params[k]}" for k in sorted(params))
    to_sign = f"{method}{host}{path}?{pairs}"
    mac = hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--credentials", default="./data/dev-credentials")
    ap.add_argument("--region", default="gz")
    ap.add_argument("action")
    ap.add_argument("params", nargs="*", help="name=value")
    a = ap.parse_args()

    secret_id, secret_key = read_credentials(a.credentials)
    url = urllib.parse.urlsplit(a.url)
    path = "/v2/index.php"
    params = {
        "Action": a.action,
        "Region": a.region,
        "Timestamp": str(int(time.time())),
        "Nonce": str(random.SystemRandom().randint(1, 2**31 - 1)),
        "SecretId": secret_id,
        "SignatureMethod": "HmacSHA256",
    }
    for p in a.params:
        k, v = p.split("=", 1)
        params[k] = v
    # The Host header the client sends (with its port) is what gets signed.
    params["Signature"] = sign("POST", url.netloc, path, params, secret_key)
    body = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(a.url.rstrip("/") + path, data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req) as resp:
        answer = json.load(resp)
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    return 0 if answer.get("code") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
