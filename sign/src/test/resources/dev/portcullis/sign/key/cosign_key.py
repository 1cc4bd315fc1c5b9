"""cosign's encrypted private key format done with PyNaCl, hashlib.scrypt and cryptography, apart
from Portcullis, to check that the two agree.

  cosign_key.py generate KEY PUB   a new P-256 key: KEY in cosign's format, PUB its public key PEM
  cosign_key.py open KEY           opens KEY; prints the public key PEM of the key inside

The passphrase comes from the environment variable PASSPHRASE (UTF-8), never from the arguments.
"""
import base64
import hashlib
import json
import os
import sys

import nacl.secret
import nacl.utils
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

LABELS = ("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY")
N, R, P = 32768, 8, 1


def passphrase():
    return os.environ["PASSPHRASE"].encode("utf-8")


def box_key(salt, n, r, p):
    return hashlib.scrypt(passphrase(), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def generate(key_path, pub_path):
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    salt = os.urandom(32)
    sealed = nacl.secret.SecretBox(box_key(salt, N, R, P)).encrypt(der, nacl.utils.random(nacl.secret.SecretBox.NONCE_SIZE))
    doc = {
        "kdf": {"name": "scrypt", "params": {"N": N, "r": R, "p": P}, "salt": base64.b64encode(salt).decode()},
        "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(sealed.nonce).decode()},
        # PyNaCl's ciphertext is NaCl's combined form: the Poly1305 tag, then the encrypted bytes
        "ciphertext": base64.b64encode(sealed.ciphertext).decode(),
    }
    body = base64.b64encode(json.dumps(doc).encode()).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    with open(key_path, "w") as f:
        f.write("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (LABELS[0], "\n".join(lines), LABELS[0]))
    with open(pub_path, "wb") as f:
        f.write(public_pem(key))


def open_key(key_path):
    text = open(key_path).read()
    for label in LABELS:
        begin, end = "-----BEGIN %s-----" % label, "-----END %s-----" % label
        if begin in text:
            body = text.split(begin, 1)[1].split(end, 1)[0]
            break
    else:
        sys.exit("no cosign private key block in " + key_path)
    doc = json.loads(base64.b64decode("".join(body.split())))
    if doc["kdf"]["name"] != "scrypt" or doc["cipher"]["name"] != "nacl/secretbox":
        sys.exit("unexpected kdf or cipher: %s" % json.dumps(doc))
    params = doc["kdf"]["params"]
    key = box_key(base64.b64decode(doc["kdf"]["salt"]), params["N"], params["r"], params["p"])
    der = nacl.secret.SecretBox(key).decrypt(base64.b64decode(doc["ciphertext"]), base64.b64decode(doc["cipher"]["nonce"]))
    sys.stdout.buffer.write(public_pem(serialization.load_der_private_key(der, password=None)))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "generate":
        generate(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "open":
        open_key(sys.argv[2])
    else:
        sys.exit(__doc__)
