"""Generate the labelled value corpus: secrets in providers' documented formats, and non-secrets.

Every secret is made of random characters in the documented alphabet and length, with the
documented prefix and (where a format has one) checksum, so none is a real credential. The
corpus is computed, not committed: `python tests/data/values/generate.py` writes values.tsv
for reading (it is git-ignored). See README.md beside this file for the reasons and the
labelling rules.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import sys
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SEED = 20240611
ROWS_PER_KIND = 8
HERE = Path(__file__).parent

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
BASE32 = string.ascii_uppercase + "234567"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
# The punctuation password generators use (Terraform random_password's default set, and
# Secrets Manager's GetRandomPassword without ExcludePunctuation).
PASSWORD_PUNCT = "!@#$%&*()-_=+[]{}<>:?"

# Secret-format prefixes are spelt in two parts so this file holds no credential-shaped
# literal for a scanner (or push protection) to stop at.
P = {
    "akia": "AK" + "IA",
    "asia": "AS" + "IA",
    "ghp": "gh" + "p_",
    "gho": "gh" + "o_",
    "ghu": "gh" + "u_",
    "ghs": "gh" + "s_",
    "ghr": "gh" + "r_",
    "github_pat": "github" + "_pat_",
    "glpat": "gl" + "pat-",
    "xoxb": "xo" + "xb-",
    "xoxp": "xo" + "xp-",
    "xapp": "xa" + "pp-",
    "sk_live": "sk" + "_live_",
    "sk_test": "sk" + "_test_",
    "rk_live": "rk" + "_live_",
    "whsec": "wh" + "sec_",
    "npm": "np" + "m_",
    "pypi": "py" + "pi-AgE",
    "aiza": "AI" + "za",
    "gocspx": "GOC" + "SPX-",
    "ya29": "ya" + "29.",
    "sg": "S" + "G.",
    "hrku": "HR" + "KU-AA",
    "shpat": "sh" + "pat_",
    "shpss": "sh" + "pss_",
    "atatt": "ATA" + "TT3",
    "sk_proj": "sk" + "-proj-",
    "openai_marker": "T3Blbk" + "FJ",
    "sk_ant": "sk" + "-ant-api03-",
    "hvs": "hv" + "s.",
    "dp_pt": "dp" + ".pt.",
    "sq0atp": "sq0" + "atp-",
    "sq0csp": "sq0" + "csp-",
    "eaaa": "EA" + "AA",
    "braintree": "access_token" + "$production$",
    "age": "AGE-SECRET" + "-KEY-1",
    "hf": "h" + "f_",
    "dop": "dop" + "_v1_",
    "dapi": "da" + "pi",
    "lin": "lin" + "_api_",
    "nrak": "NR" + "AK-",
    "sntrys": "sntr" + "yu_",
    "glsa": "gl" + "sa_",
    "pmak": "PM" + "AK-",
    "pul": "pu" + "l-",
    "mapbox_sk": "s" + "k.eyJ1Ijoi",
    "key-": "ke" + "y-",
    "tskey": "tskey" + "-auth-",
    "sbp": "sb" + "p_",
    "begin": "-----BEGIN ",
    "end": "-----END ",
}


@dataclass(frozen=True)
class Row:
    """One labelled value: 1 is a secret, 0 is not."""

    value: str
    label: int
    kind: str
    note: str = ""


class Gen:
    """Random building blocks drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def chars(self, alphabet: str, n: int) -> str:
        """n characters drawn from alphabet."""
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def pick(self, *options: str) -> str:
        """One of the options."""
        return self.r.choice(options)

    def bytes_(self, n: int) -> bytes:
        """n random bytes."""
        return self.r.randbytes(n)

    def b64(self, n: int, url: bool = False, pad: bool = True) -> str:
        """base64 of n random bytes."""
        raw = self.bytes_(n)
        text = base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)
        out = text.decode()
        return out if pad else out.rstrip("=")

    def hexs(self, n: int) -> str:
        """n lower-case hex digits."""
        return self.chars(HEX, n)

    def uuid(self) -> str:
        """A random UUID (version 4 layout)."""
        return str(uuid.UUID(bytes=self.bytes_(16), version=4))

    def word(self) -> str:
        """An application-ish word."""
        return self.pick(*WORDS)

    def app(self) -> str:
        """An application or service name."""
        return self.pick(*APPS)

    def env(self) -> str:
        """An environment name."""
        return self.pick("prod", "production", "staging", "dev", "qa", "uat", "sandbox", "test")

    def region(self) -> str:
        """An AWS region."""
        return self.pick(*REGIONS)

    def account(self) -> str:
        """A 12-digit account ID."""
        return str(self.r.randint(100000000000, 999999999999))

    def host(self) -> str:
        """A host name."""
        return self.pick(
            f"{self.app()}.{self.env()}.internal",
            f"{self.app()}-{self.env()}.{self.pick(*DOMAINS)}",
            f"{self.app()}.{self.pick(*DOMAINS)}",
            f"{self.app()}-{self.env()}.{self.chars(LOWER_ALNUM, 12)}.{self.region()}"
            ".rds.amazonaws.com",
            f"{self.app()}-{self.env()}.{self.chars(LOWER_ALNUM, 6)}.ng.0001.{self.region()}"
            ".cache.amazonaws.com",
            f"ip-10-{self.r.randint(0, 255)}-{self.r.randint(0, 255)}-{self.r.randint(1, 254)}"
            f".{self.region()}.compute.internal",
        )

    def user(self) -> str:
        """A user or login name."""
        return self.pick(
            "admin",
            "app",
            "svc_" + self.app().replace("-", "_"),
            self.app().replace("-", "_") + "_rw",
            "postgres",
            "root",
            "deploy",
            "ci-bot",
            "readonly",
            f"{self.pick(*FIRST_NAMES)}.{self.pick(*LAST_NAMES)}",
        )

    def human_password(self) -> str:
        """A password a person chose: words, digits, a symbol (low entropy, still a secret)."""
        word = self.pick(*WORDS).capitalize()
        return self.pick(
            f"{word}{self.r.randint(1, 9999)}{self.pick('!', '#', '$', '@', '')}",
            f"{self.pick(*SEASONS)}{self.r.randint(2015, 2026)}{self.pick('!', '?', '')}",
            f"{self.pick(*WORDS)}-{self.pick(*WORDS)}-{self.pick(*WORDS)}-{self.pick(*WORDS)}",
            f"{word[:1]}{word[1:].replace('a', '@').replace('o', '0').replace('e', '3')}"
            f"{self.r.randint(10, 99)}",
            "changeme" + str(self.r.randint(1, 99)),
            self.chars(ALNUM, self.r.randint(8, 14)),
        )

    def generated_password(self, n: int | None = None, punct: bool = True) -> str:
        """A password from a generator: every class, uniformly random."""
        n = n or self.r.choice([16, 20, 24, 32, 40])
        alphabet = ALNUM + (PASSWORD_PUNCT if punct else "")
        while True:
            out = self.chars(alphabet, n)
            if any(c.isdigit() for c in out) and any(c.isupper() for c in out):
                return out

    def crc_token(self, prefix: str) -> str:
        """prefix + 30 base62 + the base62 CRC32 of those 30, as GitHub and npm document."""
        body = self.chars(BASE62, 30)
        return prefix + body + base62_crc32(body)


def base62_crc32(body: str) -> str:
    """GitHub's token checksum: CRC32 of the random part in 6 base62 digits (0-9A-Za-z)."""
    number = zlib.crc32(body.encode()) & 0xFFFFFFFF
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(6, "0")


def b64url_json(obj: object) -> str:
    """base64url (no padding) of compact JSON, as in a JWT."""
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pem(kind: str, der: bytes, escaped: bool = False) -> str:
    """A PEM block with 64-column lines; escaped writes the newlines as \\n (as in JSON)."""
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    nl = "\\n" if escaped else "\n"
    return f"{P['begin']}{kind}-----{nl}" + nl.join(lines) + f"{nl}{P['end']}{kind}-----{nl}"


def der_len(n: int) -> bytes:
    """A DER length field."""
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def der(tag: int, content: bytes) -> bytes:
    """One DER element."""
    return bytes([tag]) + der_len(len(content)) + content


RSA_OID = bytes.fromhex("06092a864886f70d0101010500")
EC_OID = bytes.fromhex("06072a8648ce3d020106082a8648ce3d030107")


def fake_pkcs8(g: Gen, rsa: bool = True) -> bytes:
    """PKCS#8 PrivateKeyInfo framing around random bytes (the shape of a key, not a key)."""
    inner = g.bytes_(1190 if rsa else 100)
    algorithm = der(0x30, RSA_OID if rsa else EC_OID)
    return der(0x30, der(0x02, b"\x00") + algorithm + der(0x04, inner))


def fake_pkcs1(g: Gen) -> bytes:
    """PKCS#1 RSAPrivateKey framing: version 0 then integers (random)."""
    ints = b"".join(der(0x02, b"\x00" + g.bytes_(n)) for n in (256, 3, 256, 128, 128, 128))
    return der(0x30, der(0x02, b"\x00") + ints)


def fake_spki(g: Gen) -> bytes:
    """SubjectPublicKeyInfo framing: a public key."""
    return der(0x30, der(0x30, RSA_OID) + der(0x03, b"\x00" + g.bytes_(270)))


def fake_certificate(g: Gen) -> bytes:
    """Certificate framing: SEQUENCE { SEQUENCE { [0] version ... } }: public."""
    tbs = der(0xA0, der(0x02, b"\x02")) + der(0x02, g.bytes_(16)) + g.bytes_(700)
    return der(0x30, der(0x30, tbs) + der(0x30, RSA_OID) + der(0x03, b"\x00" + g.bytes_(256)))


def openssh_private(g: Gen) -> bytes:
    """The openssh-key-v1 container around random bytes."""
    return b"openssh-key-v1\x00" + b"\x00\x00\x00\x04none" * 2 + g.bytes_(380)


def ssh_public_blob(g: Gen, kind: str) -> bytes:
    """An SSH public key blob: the algorithm name, length-prefixed, then key material."""
    name = kind.encode()
    return len(name).to_bytes(4, "big") + name + g.bytes_(51 if "ed25519" in kind else 279)


WORDS = (
    "orange",
    "harbor",
    "falcon",
    "maple",
    "river",
    "copper",
    "summit",
    "velvet",
    "cobalt",
    "meadow",
    "thunder",
    "lantern",
    "pepper",
    "garden",
    "silver",
    "winter",
    "rocket",
    "marble",
    "canyon",
    "breeze",
    "tiger",
    "violet",
    "anchor",
    "willow",
    "ember",
    "quartz",
    "saddle",
)
SEASONS = ("Spring", "Summer", "Autumn", "Winter", "Welcome", "Password", "Company")
APPS = (
    "orders",
    "payments",
    "billing",
    "checkout",
    "catalog",
    "search",
    "inventory",
    "users",
    "auth-service",
    "gateway",
    "reporting",
    "notifications",
    "ledger",
    "shipping",
    "analytics",
    "web",
    "api",
    "worker",
    "scheduler",
    "etl",
    "crm",
    "portal",
    "admin",
    "mobile-bff",
)
DOMAINS = ("example.com", "example.org", "acme.io", "corp.example.net", "internal.acme.dev")
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "sa-east-1",
)
FIRST_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan")
LAST_NAMES = ("smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "moore")
SERVICES = ("s3", "sqs", "sns", "lambda", "dynamodb", "kms", "iam", "rds", "ecs", "events")


# ---- secrets -------------------------------------------------------------------------------


def aws_keypair(g: Gen) -> tuple[str, str]:
    """An access key ID and a secret access key in AWS's documented shape."""
    return g.pick(P["akia"], P["asia"]) + g.chars(UPPER_ALNUM[:26] + "234567", 16), g.chars(B64, 40)


def s_aws_pair(g: Gen) -> str:
    key_id, secret = aws_keypair(g)
    return g.pick(
        f"{key_id}:{secret}",
        f"{key_id} {secret}",
        f"Access key ID,Secret access key\n{key_id},{secret}\n",
        f"{key_id}\n{secret}",
        json.dumps({"accessKeyId": key_id, "secretAccessKey": secret}),
    )


def s_aws_credentials_file(g: Gen) -> str:
    key_id, secret = aws_keypair(g)
    profile = g.pick("default", g.env(), g.app())
    return (
        f"[{profile}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
        + g.pick("", f"region = {g.region()}\n")
    )


def s_aws_env(g: Gen) -> str:
    key_id, secret = aws_keypair(g)
    return f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\nAWS_REGION={g.region()}"


def s_aws_secret_bare(g: Gen) -> str:
    return aws_keypair(g)[1]


def s_aws_session(g: Gen) -> str:
    key_id, secret = aws_keypair(g)
    token = (
        g.pick("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE")
        + g.chars(B64, g.r.choice([300, 400, 600]))
        + g.pick("", "=", "==")
    )
    return json.dumps(
        {
            "AccessKeyId": P["asia"] + key_id[4:],
            "SecretAccessKey": secret,
            "SessionToken": token,
            "Expiration": "2025-03-01T12:00:00Z",
        }
    )


def s_github(g: Gen) -> str:
    return g.crc_token(g.pick(P["ghp"], P["gho"], P["ghu"], P["ghs"], P["ghr"]))


def s_github_fine(g: Gen) -> str:
    return P["github_pat"] + g.chars(ALNUM, 22) + "_" + g.chars(ALNUM, 59)


def s_gitlab(g: Gen) -> str:
    return g.pick(
        P["glpat"] + g.chars(ALNUM + "-_", 20),
        P["glpat"]
        + g.chars(ALNUM + "-_", 27)
        + "."
        + g.chars(LOWER_ALNUM, 2)
        + g.chars(LOWER_ALNUM, 7),
        "gl" + "rt-" + g.chars(ALNUM + "-_", 20),
        "gl" + "dt-" + g.chars(ALNUM + "-_", 20),
        "gl" + "ptt-" + g.hexs(40),
    )


def s_slack_token(g: Gen) -> str:
    digits = string.digits
    return g.pick(
        P["xoxb"] + g.chars(digits, 12) + "-" + g.chars(digits, 13) + "-" + g.chars(ALNUM, 24),
        P["xoxp"]
        + g.chars(digits, 12)
        + "-"
        + g.chars(digits, 12)
        + "-"
        + g.chars(digits, 13)
        + "-"
        + g.hexs(32),
        P["xapp"] + "1-A" + g.chars(UPPER_ALNUM, 10) + "-" + g.chars(digits, 13) + "-" + g.hexs(64),
    )


def s_slack_webhook(g: Gen) -> str:
    return (
        "https://hooks.slack.com/services/T"
        + g.chars(UPPER_ALNUM, g.r.choice([8, 10]))
        + "/B"
        + g.chars(UPPER_ALNUM, g.r.choice([8, 10]))
        + "/"
        + g.chars(ALNUM, 24)
    )


def s_discord_webhook(g: Gen) -> str:
    host = g.pick("discord.com", "discordapp.com")
    ident = str(g.r.randint(10**17, 10**19 - 1))
    return f"https://{host}/api/webhooks/{ident}/{g.chars(B64URL, 68)}"


def s_teams_webhook(g: Gen) -> str:
    tenant = g.pick("acme", "contoso", "examplecorp")
    return (
        f"https://{tenant}.webhook.office.com/webhookb2/{g.uuid()}@{g.uuid()}"
        f"/IncomingWebhook/{g.chars(ALNUM, 32)}/{g.uuid()}"
    )


def s_stripe(g: Gen) -> str:
    prefix = g.pick(P["sk_live"], P["sk_test"], P["rk_live"])
    return prefix + g.chars(ALNUM, g.r.choice([24, 99]))


def s_stripe_webhook(g: Gen) -> str:
    return P["whsec"] + g.chars(ALNUM, 32)


def s_twilio(g: Gen) -> str:
    sid = "AC" + g.hexs(32)
    token = g.hexs(32)
    return g.pick(
        f"{sid}:{token}",
        f"https://{sid}:{token}@api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json",
        json.dumps({"account_sid": sid, "auth_token": token}),
        f"TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={token}",
        "SK" + g.hexs(32) + ":" + g.chars(ALNUM, 32),
    )


def s_sendgrid(g: Gen) -> str:
    return P["sg"] + g.chars(B64URL, 22) + "." + g.chars(B64URL, 43)


def s_npm(g: Gen) -> str:
    token = g.crc_token(P["npm"])
    return g.pick(token, f"//registry.npmjs.org/:_authToken={token}\n")


def s_pypi(g: Gen) -> str:
    macaroon = b"IcHlwaS5vcmc"  # completes the "AgE" prefix to AgEIcHlwaS5vcmc ("pypi.org")
    body = base64.urlsafe_b64encode(b"\x02\x25\x08\x01\x12\x20" + g.bytes_(120)).decode()
    return P["pypi"] + macaroon.decode() + body.rstrip("=")


def s_google_api_key(g: Gen) -> str:
    return P["aiza"] + g.chars(ALNUM + "-_", 35)


def s_google_oauth(g: Gen) -> str:
    return g.pick(
        P["gocspx"] + g.chars(ALNUM + "-_", 28),
        P["ya29"] + g.chars(ALNUM + "-_", 150),
        json.dumps(
            {
                "web": {
                    "client_id": f"{g.r.randint(10**11, 10**12)}-{g.chars(LOWER_ALNUM, 32)}"
                    ".apps.googleusercontent.com",
                    "client_secret": P["gocspx"] + g.chars(ALNUM + "-_", 28),
                    "redirect_uris": [f"https://{g.host()}/oauth2/callback"],
                }
            }
        ),
    )


def s_gcp_service_account(g: Gen) -> str:
    project = f"{g.app()}-{g.env()}-{g.r.randint(100000, 999999)}"
    return json.dumps(
        {
            "type": "service_account",
            "project_id": project,
            "private_key_id": g.hexs(40),
            "private_key": pem("PRIVATE KEY", fake_pkcs8(g)),
            "client_email": f"{g.app()}@{project}.iam.gserviceaccount.com",
            "client_id": str(g.r.randint(10**20, 10**21)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token",
        },
        indent=g.r.choice([None, 2]),
    )


def s_azure_storage(g: Gen) -> str:
    account = g.app().replace("-", "") + g.env()
    return (
        f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={g.b64(64)};"
        "EndpointSuffix=core.windows.net"
    )


def s_azure_sas(g: Gen) -> str:
    account = g.app().replace("-", "") + "store"
    sig = quote(g.b64(32), safe="")
    query = (
        f"sv=2022-11-02&ss=b&srt=sco&sp={g.pick('r', 'rl', 'rwdlac')}&se=2026-01-01T00:00:00Z"
        f"&st=2025-01-01T00:00:00Z&spr=https&sig={sig}"
    )
    return g.pick(f"https://{account}.blob.core.windows.net/{g.word()}?{query}", "?" + query)


def s_azure_servicebus(g: Gen) -> str:
    return (
        f"Endpoint=sb://{g.app()}-{g.env()}.servicebus.windows.net/;"
        f"SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={g.b64(32)}"
    )


def s_azure_ad_secret(g: Gen) -> str:
    return g.chars(ALNUM, 3) + g.chars(string.digits, 1) + "Q~" + g.chars(ALNUM + "_~.-", 34)


def s_mailgun(g: Gen) -> str:
    return g.pick(P["key-"] + g.hexs(32), g.hexs(32) + "-" + g.hexs(8) + "-" + g.hexs(8))


def s_heroku(g: Gen) -> str:
    return P["hrku"] + g.chars(ALNUM + "-_", 58)


def s_shopify(g: Gen) -> str:
    return g.pick(P["shpat"], P["shpss"], "sh" + "pca_", "sh" + "ppa_") + g.hexs(32)


def s_atlassian(g: Gen) -> str:
    return P["atatt"] + g.chars(B64URL, 176) + "=" + g.hexs(8).upper()


def s_openai(g: Gen) -> str:
    marker = P["openai_marker"]
    return g.pick(
        P["sk_proj"] + g.chars(B64URL, 74) + marker + g.chars(B64URL, 74),
        "sk" + "-" + g.chars(ALNUM, 20) + marker + g.chars(ALNUM, 20),
    )


def s_anthropic(g: Gen) -> str:
    return P["sk_ant"] + g.chars(B64URL, 93) + "AA"


def s_vault(g: Gen) -> str:
    return g.pick(P["hvs"] + g.chars(B64URL, 91), "hv" + "b." + g.chars(B64URL, 138))


def s_doppler(g: Gen) -> str:
    return P["dp_pt"] + g.chars(ALNUM, 43)


def s_square(g: Gen) -> str:
    return g.pick(
        P["eaaa"] + g.chars(B64URL, 60),
        P["sq0atp"] + g.chars(B64URL, 22),
        P["sq0csp"] + g.chars(B64URL, 43),
    )


def s_braintree(g: Gen) -> str:
    return P["braintree"] + g.chars(LOWER_ALNUM, 16) + "$" + g.hexs(32)


def s_paypal_secret(g: Gen) -> str:
    return "E" + g.chars(B64URL, 79)


def s_private_key_pem(g: Gen) -> str:
    kind = g.r.randrange(5)
    escaped = g.r.random() < 0.3
    if kind == 0:
        return pem("RSA PRIVATE KEY", fake_pkcs1(g), escaped)
    if kind == 1:
        return pem("PRIVATE KEY", fake_pkcs8(g, rsa=g.r.random() < 0.5), escaped)
    if kind == 2:
        return pem("EC PRIVATE KEY", der(0x30, der(0x02, b"\x01") + g.bytes_(110)), escaped)
    if kind == 3:
        return pem("OPENSSH PRIVATE KEY", openssh_private(g), escaped)
    return pem("ENCRYPTED PRIVATE KEY", der(0x30, der(0x30, g.bytes_(70)) + g.bytes_(1200)))


def s_pgp_private(g: Gen) -> str:
    body = base64.b64encode(b"\x95\x03\xc6\x04" + g.bytes_(900)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    kind = "PGP PRIVATE KEY BLOCK"
    return f"{P['begin']}{kind}-----\n\n{lines}\n={g.b64(3)}\n{P['end']}{kind}-----\n"


def s_private_key_der_b64(g: Gen) -> str:
    der_key = fake_pkcs8(g) if g.r.random() < 0.5 else fake_pkcs1(g)
    return base64.b64encode(der_key).decode()


def s_kubeconfig(g: Gen) -> str:
    cert = base64.b64encode(pem("CERTIFICATE", fake_certificate(g)).encode()).decode()
    key = base64.b64encode(pem("RSA PRIVATE KEY", fake_pkcs1(g)).encode()).decode()
    cluster = f"{g.app()}-{g.env()}"
    user_block = g.pick(
        f"    client-certificate-data: {cert}\n    client-key-data: {key}\n",
        f"    token: {g.chars(ALNUM, 6)}.{g.chars(LOWER_ALNUM, 16)}\n",
    )
    return (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
        f"    certificate-authority-data: {cert}\n"
        f"    server: https://{g.chars(HEX, 32).upper()}.gr7.{g.region()}.eks.amazonaws.com\n"
        f"  name: {cluster}\ncontexts:\n- context:\n    cluster: {cluster}\n    user: {cluster}\n"
        f"  name: {cluster}\ncurrent-context: {cluster}\nusers:\n- name: {cluster}\n  user:\n"
        + user_block
    )


def s_jwt(g: Gen) -> str:
    alg = g.pick("HS256", "RS256", "ES256")
    header = {"alg": alg, "typ": "JWT"}
    if alg != "HS256":
        header["kid"] = g.chars(B64URL, 22)
    payload = {
        "sub": g.pick(g.uuid(), g.user(), str(g.r.randint(1000, 99999))),
        "iss": f"https://{g.host()}/",
        "iat": g.r.randint(1_600_000_000, 1_750_000_000),
        "exp": g.r.randint(1_750_000_000, 1_900_000_000),
    }
    if g.r.random() < 0.4:
        payload["role"] = g.pick("service_role", "admin", "api")
    sig = g.b64({"HS256": 32, "RS256": 256, "ES256": 64}[alg], url=True, pad=False)
    token = f"{b64url_json(header)}.{b64url_json(payload)}.{sig}"
    return g.pick(token, token, f"Bearer {token}")


def s_basic_auth(g: Gen) -> str:
    creds = base64.b64encode(f"{g.user()}:{g.human_password()}".encode()).decode()
    return g.pick(f"Basic {creds}", f"Authorization: Basic {creds}")


def s_bearer(g: Gen) -> str:
    return g.pick(
        f"Authorization: Bearer {g.chars(B64URL, 40)}",
        f"Bearer {g.chars(ALNUM, 48)}",
        f"Authorization: Token token={g.hexs(40)}",
    )


def s_url_credentials(g: Gen) -> str:
    user, password = g.user(), g.pick(g.human_password(), g.generated_password(punct=False))
    host = g.host()
    db = g.app().replace("-", "_")
    return g.pick(
        f"postgres://{user}:{quote(password, safe='')}@{host}:5432/{db}",
        f"postgresql://{user}:{quote(password, safe='')}@{host}/{db}?sslmode=require",
        f"mysql://{user}:{quote(password, safe='')}@{host}:3306/{db}",
        f"mongodb+srv://{user}:{quote(password, safe='')}@cluster0.{g.chars(LOWER_ALNUM, 5)}"
        f".mongodb.net/{db}?retryWrites=true&w=majority",
        f"redis://:{quote(password, safe='')}@{host}:6379/0",
        f"rediss://default:{quote(password, safe='')}@{host}:6380",
        f"amqps://{user}:{quote(password, safe='')}@{host}:5671/{g.app()}",
        f"https://{user}:{quote(password, safe='')}@artifactory.{g.pick(*DOMAINS)}/api/npm/",
        f"smtp://{user}:{quote(password, safe='')}@email-smtp.{g.region()}.amazonaws.com:587",
        f"ftp://{user}:{quote(password, safe='')}@files.{g.pick(*DOMAINS)}/incoming",
    )


def s_ado_connection(g: Gen) -> str:
    password = g.pick(g.human_password(), g.generated_password(punct=False))
    return g.pick(
        f"Server=tcp:{g.app()}-{g.env()}.database.windows.net,1433;Initial Catalog="
        f"{g.app()};Persist Security Info=False;User ID={g.user()};Password={password};"
        "MultipleActiveResultSets=False;Encrypt=True;TrustServerCertificate=False;",
        f"Data Source={g.host()};Initial Catalog={g.app()};User Id={g.user()};Password={password};",
        f"Driver={{ODBC Driver 18 for SQL Server}};Server={g.host()};Database={g.app()};"
        f"Uid={g.user()};Pwd={password};",
        f"Host={g.host()};Port=5432;Database={g.app()};Username={g.user()};Password={password}",
    )


def s_jdbc(g: Gen) -> str:
    password = g.pick(g.human_password(), g.generated_password(punct=False))
    return g.pick(
        f"jdbc:postgresql://{g.host()}:5432/{g.app()}?user={g.user()}&password={password}",
        f"jdbc:mysql://{g.host()}:3306/{g.app()}?user={g.user()}&password={password}&useSSL=true",
        f"jdbc:sqlserver://{g.host()}:1433;databaseName={g.app()};user={g.user()};"
        f"password={password};encrypt=true",
        f"jdbc:oracle:thin:{g.user()}/{password}@{g.host()}:1521/ORCLPDB1",
    )


def s_dotenv(g: Gen) -> str:
    secret_key = g.pick(
        "DB_PASSWORD",
        "DATABASE_PASSWORD",
        "SECRET_KEY",
        "API_TOKEN",
        "SMTP_PASSWORD",
        "REDIS_PASSWORD",
        "JWT_SECRET",
        "ADMIN_PASSWORD",
        "STRIPE_API_KEY",
        "CLIENT_SECRET",
    )
    lines = [
        f"APP_ENV={g.env()}",
        f"DB_HOST={g.host()}",
        f"DB_USER={g.user()}",
        f"{secret_key}={g.human_password()}",
        f"LOG_LEVEL={g.pick('info', 'debug', 'warn')}",
    ]
    g.r.shuffle(lines)
    export = g.pick("", "export ")
    return "\n".join(export + line for line in lines) + "\n"


def s_json_config(g: Gen) -> str:
    key = g.pick("password", "secret", "apiKey", "token", "clientSecret", "privateKey")
    config = {
        "service": g.app(),
        "port": g.r.choice([8080, 3000, 5432]),
        "database": {"host": g.host(), "user": g.user(), key: g.human_password()},
        "features": {"newCheckout": g.r.random() < 0.5},
    }
    return json.dumps(config, indent=g.r.choice([None, 2]))


def s_yaml_config(g: Gen) -> str:
    key = g.pick("password", "secret", "api_key", "auth_token", "client_secret")
    quote_mark = g.pick("", '"')
    return (
        f"server:\n  port: {g.r.choice([8080, 9000])}\n  host: 0.0.0.0\n"
        f"database:\n  url: jdbc:postgresql://{g.host()}:5432/{g.app()}\n"
        f"  username: {g.user()}\n  {key}: {quote_mark}{g.human_password()}{quote_mark}"
        + "\nlogging:\n  level: INFO\n"
    )


def s_properties(g: Gen) -> str:
    return g.pick(
        f"spring.datasource.url=jdbc:mysql://{g.host()}:3306/{g.app()}\n"
        f"spring.datasource.username={g.user()}\n"
        f"spring.datasource.password={g.human_password()}\n",
        f"[database]\nhost = {g.host()}\nuser = {g.user()}\npassword = {g.human_password()}\n",
        f"machine {g.host()}\n  login {g.user()}\n  password {g.human_password()}\n",
        f'<add key="ApiKey" value="{g.human_password()}" />',
    )


def s_docker_config(g: Gen) -> str:
    auth = base64.b64encode(f"{g.user()}:{g.generated_password(punct=False)}".encode()).decode()
    registry = g.pick(
        "https://index.docker.io/v1/",
        f"{g.account()}.dkr.ecr.{g.region()}.amazonaws.com",
        "ghcr.io",
    )
    return json.dumps({"auths": {registry: {"auth": auth}}})


def s_generated_password(g: Gen) -> str:
    return g.generated_password(g.r.choice([16, 20, 24, 32, 40]))


def s_random_key_b64(g: Gen) -> str:
    return g.pick(
        g.b64(32),
        g.b64(64),
        g.b64(32, url=True),
        "base64:" + g.b64(32),
        g.chars("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50),
    )


def s_age(g: Gen) -> str:
    return P["age"] + g.chars(BECH32, 58)


def s_telegram(g: Gen) -> str:
    return f"{g.r.randint(10**8, 10**10 - 1)}:AA{g.chars(B64URL, 33)}"


def s_misc_saas(g: Gen) -> str:
    return g.pick(
        P["hf"] + g.chars(string.ascii_letters, 34),
        P["dop"] + g.hexs(64),
        P["dapi"] + g.hexs(32),
        P["lin"] + g.chars(ALNUM, 40),
        P["nrak"] + g.chars(UPPER_ALNUM, 27),
        P["sntrys"] + g.hexs(64),
        P["glsa"] + g.chars(ALNUM, 32) + "_" + g.hexs(8),
        P["pmak"] + g.hexs(24) + "-" + g.hexs(34),
        P["pul"] + g.hexs(40),
        P["tskey"] + g.chars(ALNUM, 17) + "-" + g.chars(ALNUM, 33),
        P["sbp"] + g.hexs(40),
    )


def s_mapbox(g: Gen) -> str:
    return P["mapbox_sk"] + g.chars(B64URL, 40) + "." + g.chars(B64URL, 22)


def s_webhook_generic(g: Gen) -> str:
    return g.pick(
        f"https://hooks.zapier.com/hooks/catch/{g.r.randint(10**6, 10**7)}/"
        f"{g.chars(LOWER_ALNUM, 6)}/",
        f"https://{g.app()}.{g.pick(*DOMAINS)}/webhooks/{g.chars(ALNUM, 32)}",
        f"https://maker.ifttt.com/trigger/{g.word()}/with/key/{g.chars(B64URL, 22)}",
    )


def s_password_hash(g: Gen) -> str:
    salt = g.chars(ALNUM + "./", 22)
    return g.pick(
        "$2b$12$" + salt + g.chars(ALNUM + "./", 31),
        "$argon2id$v=19$m=65536,t=3,p=4$" + g.b64(16, pad=False) + "$" + g.b64(32, pad=False),
        f"{g.user()}:$apr1${g.chars(ALNUM, 8)}${g.chars(ALNUM + './', 22)}",
        "$6$" + g.chars(ALNUM, 16) + "$" + g.chars(ALNUM + "./", 86),
    )


def s_pgpass(g: Gen) -> str:
    return f"{g.host()}:5432:{g.app()}:{g.user()}:{g.human_password()}\n"


def s_launchdarkly(g: Gen) -> str:
    return g.pick("sd" + "k-", "ap" + "i-") + g.uuid()


def s_k8s_secret(g: Gen) -> str:
    value = base64.b64encode(g.human_password().encode()).decode()
    return (
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {g.app()}-db\ntype: Opaque\n"
        f"data:\n  {g.pick('password', 'DB_PASS', 'credentials', 'token')}: {value}\n"
    )


def s_wireguard(g: Gen) -> str:
    key = g.b64(32)
    return g.pick(
        key,
        f"[Interface]\nPrivateKey = {key}\nAddress = 10.8.0.2/24\n"
        f"[Peer]\nPublicKey = {g.b64(32)}\nEndpoint = {g.host()}:51820\n",
    )


def s_hex_key_bare(g: Gen) -> str:
    return g.hexs(g.r.choice([32, 40, 64]))


SECRET_KINDS: dict[str, tuple[Callable[[Gen], str], str]] = {
    "aws-access-key-pair": (s_aws_pair, ""),
    "aws-credentials-file": (s_aws_credentials_file, ""),
    "aws-env-pair": (s_aws_env, ""),
    "aws-secret-key-bare": (s_aws_secret_bare, "40 characters, no key ID beside it"),
    "aws-session-credentials": (s_aws_session, ""),
    "github-token": (s_github, "with the documented CRC32 checksum"),
    "github-fine-grained-pat": (s_github_fine, ""),
    "gitlab-token": (s_gitlab, ""),
    "slack-token": (s_slack_token, ""),
    "slack-webhook": (s_slack_webhook, ""),
    "discord-webhook": (s_discord_webhook, ""),
    "teams-webhook": (s_teams_webhook, ""),
    "generic-webhook": (s_webhook_generic, "a URL whose path is the credential"),
    "stripe-secret-key": (s_stripe, ""),
    "stripe-webhook-secret": (s_stripe_webhook, ""),
    "twilio-credentials": (s_twilio, "SID with its auth token or API key secret"),
    "sendgrid-api-key": (s_sendgrid, ""),
    "npm-token": (s_npm, "with the documented CRC32 checksum"),
    "pypi-token": (s_pypi, ""),
    "google-api-key": (s_google_api_key, ""),
    "google-oauth": (s_google_oauth, ""),
    "gcp-service-account": (s_gcp_service_account, ""),
    "azure-storage-connection-string": (s_azure_storage, ""),
    "azure-sas": (s_azure_sas, ""),
    "azure-service-bus": (s_azure_servicebus, ""),
    "azure-ad-client-secret": (s_azure_ad_secret, ""),
    "mailgun-api-key": (s_mailgun, ""),
    "heroku-api-key": (s_heroku, ""),
    "shopify-token": (s_shopify, ""),
    "atlassian-api-token": (s_atlassian, ""),
    "openai-api-key": (s_openai, ""),
    "anthropic-api-key": (s_anthropic, ""),
    "vault-token": (s_vault, ""),
    "doppler-token": (s_doppler, ""),
    "square-token": (s_square, ""),
    "braintree-access-token": (s_braintree, ""),
    "paypal-client-secret": (s_paypal_secret, "80 characters, no prefix"),
    "private-key-pem": (s_private_key_pem, "random bytes in key framing, not a usable key"),
    "pgp-private-key": (s_pgp_private, ""),
    "private-key-der-base64": (s_private_key_der_b64, "a key stored without its PEM armour"),
    "kubeconfig-credentials": (s_kubeconfig, ""),
    "jwt": (s_jwt, "a bearer token"),
    "basic-auth": (s_basic_auth, ""),
    "bearer-token": (s_bearer, ""),
    "url-credentials": (s_url_credentials, ""),
    "ado-connection-string": (s_ado_connection, ""),
    "jdbc-connection-string": (s_jdbc, ""),
    "dotenv-blob": (s_dotenv, "a person's password under a secret-named key"),
    "json-config-secret": (s_json_config, "a person's password under a secret-named key"),
    "yaml-config-secret": (s_yaml_config, "a person's password under a secret-named key"),
    "properties-ini-netrc": (s_properties, "a person's password under a secret-named key"),
    "docker-config-auth": (s_docker_config, ""),
    "generated-password": (s_generated_password, "16-40 characters from a password generator"),
    "random-key-base64": (s_random_key_b64, "keys such as Fernet, Laravel APP_KEY, Django"),
    "age-secret-key": (s_age, ""),
    "telegram-bot-token": (s_telegram, ""),
    "saas-prefixed-token": (s_misc_saas, "Hugging Face, DigitalOcean, Databricks, ..."),
    "mapbox-secret-token": (s_mapbox, ""),
    "password-hash": (s_password_hash, "bcrypt, argon2, crypt and htpasswd hashes"),
    "pgpass-line": (s_pgpass, ""),
    "launchdarkly-key": (s_launchdarkly, "SDK and API keys: a prefix and a UUID"),
    "kubernetes-secret": (s_k8s_secret, ""),
    "wireguard-private-key": (s_wireguard, ""),
    "hex-key-bare": (
        s_hex_key_bare,
        "a bare hex key (Datadog, Twilio auth token, ...): the shape of an MD5/SHA digest, "
        "so no value detector can tell it from a checksum; found only by its name",
    ),
}


# ---- non-secrets ---------------------------------------------------------------------------


def n_hostname(g: Gen) -> str:
    return g.pick(g.host(), g.host() + f":{g.r.choice([443, 5432, 6379, 8080])}")


def n_url(g: Gen) -> str:
    return g.pick(
        f"https://{g.host()}/{g.app()}/v{g.r.randint(1, 3)}/health",
        f"https://api.{g.pick(*DOMAINS)}/v2/{g.word()}s?page={g.r.randint(1, 9)}&limit=50",
        f"https://sqs.{g.region()}.amazonaws.com/{g.account()}/{g.app()}-{g.env()}-queue",
        f"https://{g.chars(LOWER_ALNUM, 10)}.execute-api.{g.region()}.amazonaws.com/{g.env()}",
        f"https://{g.chars(LOWER_ALNUM, 14)}.cloudfront.net/assets/app.{g.hexs(8)}.js",
        f"https://docs.google.com/spreadsheets/d/{g.chars(B64URL, 44)}/edit",
        f"http://localhost:{g.r.choice([3000, 8080])}/callback",
        f"https://{g.app()}.{g.pick(*DOMAINS)}/oauth2/callback",
        f"wss://{g.host()}/socket",
    )


def n_url_user_only(g: Gen) -> str:
    return g.pick(
        f"ssh://git@github.com/{g.app()}/{g.word()}.git",
        f"git@github.com:{g.app()}/{g.word()}.git",
        f"https://{g.hexs(32)}@o{g.r.randint(10000, 999999)}.ingest.sentry.io/"
        f"{g.r.randint(1000000, 9999999)}",
        f"postgres://{g.user()}@{g.host()}:5432/{g.app()}",
        f"mailto:{g.user()}@{g.pick(*DOMAINS)}",
    )


def n_url_placeholder_password(g: Gen) -> str:
    user, host = g.user(), g.host()
    placeholder = g.pick(
        "${DB_PASSWORD}",
        "<password>",
        "****",
        "${SECRET}",
        "{{password}}",
        "%s",
        "$(PASSWORD)",
        "REPLACE_ME",
        "xxxxxxxx",
        "[REDACTED]",
    )
    return g.pick(
        f"postgres://{user}:{placeholder}@{host}:5432/{g.app()}",
        f"mysql://{user}:{placeholder}@{host}/{g.app()}",
        f"Server={host};Database={g.app()};User Id={user};Password={placeholder};",
    )


def n_arn(g: Gen) -> str:
    acct, region = g.account(), g.region()
    return g.pick(
        f"arn:aws:iam::{acct}:role/{g.app()}-{g.env()}-role",
        f"arn:aws:s3:::{g.app()}-{g.env()}-{acct}",
        f"arn:aws:sns:{region}:{acct}:{g.app()}-alerts",
        f"arn:aws:secretsmanager:{region}:{acct}:secret:{g.env()}/{g.app()}/db-{g.chars(ALNUM, 6)}",
        f"arn:aws:kms:{region}:{acct}:key/{g.uuid()}",
        f"arn:aws:lambda:{region}:{acct}:function:{g.app()}-{g.word()}",
        f"arn:aws:acm:{region}:{acct}:certificate/{g.uuid()}",
        f"arn:aws:elasticloadbalancing:{region}:{acct}:loadbalancer/app/{g.app()}/{g.hexs(16)}",
        f"arn:aws:cloudformation:{region}:{acct}:stack/{g.app()}/{g.uuid()}",
        f"arn:aws:execute-api:{region}:{acct}:{g.chars(LOWER_ALNUM, 10)}/*/GET/{g.word()}",
    )


def n_uuid(g: Gen) -> str:
    u = g.uuid()
    return g.pick(u, u.upper(), "{" + u + "}", u.replace("-", ""))


def n_hex_digest(g: Gen) -> str:
    data = g.bytes_(64)
    return g.pick(
        hashlib.md5(data).hexdigest(),
        hashlib.sha1(data).hexdigest(),
        hashlib.sha256(data).hexdigest(),
        hashlib.sha512(data).hexdigest(),
        hashlib.sha256(data).hexdigest().upper(),
    )


def n_digest_prefixed(g: Gen) -> str:
    data = g.bytes_(64)
    return g.pick(
        "sha256:" + hashlib.sha256(data).hexdigest(),
        "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode(),
        "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
        "SHA256:" + base64.b64encode(hashlib.sha256(data).digest()).decode().rstrip("="),
        "md5:" + hashlib.md5(data).hexdigest(),
    )


def n_git_sha(g: Gen) -> str:
    return g.pick(g.hexs(40), g.hexs(7), g.hexs(12))


def n_image(g: Gen) -> str:
    repo = f"{g.account()}.dkr.ecr.{g.region()}.amazonaws.com/{g.app()}"
    return g.pick(
        f"{repo}:{g.r.randint(1, 9)}.{g.r.randint(0, 30)}.{g.r.randint(0, 9)}",
        f"{repo}@sha256:{g.hexs(64)}",
        f"public.ecr.aws/docker/library/{g.pick('nginx', 'redis', 'python')}:"
        f"{g.pick('1.27', '7.2-alpine', '3.13-slim')}",
        f"ghcr.io/{g.app()}/{g.word()}:{g.hexs(7)}",
        f"docker.io/library/postgres:16@sha256:{g.hexs(64)}",
    )


def n_ami(g: Gen) -> str:
    return "ami-" + g.pick(g.hexs(17), g.hexs(8))


def n_resource_id(g: Gen) -> str:
    prefix = g.pick(
        "vpc",
        "subnet",
        "sg",
        "i",
        "vol",
        "snap",
        "eni",
        "igw",
        "rtb",
        "nat",
        "tgw",
        "vpce",
        "lt",
        "fs",
        "eipalloc",
    )
    ident = f"{prefix}-{g.pick(g.hexs(17), g.hexs(8))}"
    return g.pick(ident, ",".join(f"{prefix}-{g.hexs(17)}" for _ in range(3)))


def n_account_id(g: Gen) -> str:
    return g.pick(g.account(), ",".join(g.account() for _ in range(3)))


def n_cidr(g: Gen) -> str:
    def block() -> str:
        return f"10.{g.r.randint(0, 255)}.{g.r.randint(0, 255)}.0/{g.r.choice([16, 20, 24, 28])}"

    return g.pick(
        block(),
        ",".join(block() for _ in range(g.r.randint(2, 6))),
        json.dumps([block() for _ in range(3)]),
        "0.0.0.0/0",
        f"2001:db8:{g.hexs(4)}::/48",
    )


def n_ip(g: Gen) -> str:
    def ip() -> str:
        return ".".join(str(g.r.randint(1, 254)) for _ in range(4))

    return g.pick(ip(), ", ".join(ip() for _ in range(3)), f"{ip()}:{g.r.randint(1024, 65535)}")


def n_s3_uri(g: Gen) -> str:
    return g.pick(
        f"s3://{g.app()}-{g.env()}-{g.account()}/{g.word()}/{g.r.randint(2020, 2026)}/",
        f"s3://{g.app()}-artifacts/builds/{g.hexs(40)}/package.zip",
        f"https://{g.app()}-assets.s3.{g.region()}.amazonaws.com/{g.word()}.png",
    )


def n_email(g: Gen) -> str:
    addr = f"{g.pick(*FIRST_NAMES)}.{g.pick(*LAST_NAMES)}@{g.pick(*DOMAINS)}"
    return g.pick(addr, f"{g.app()}-alerts@{g.pick(*DOMAINS)}", f"{addr},ops@{g.pick(*DOMAINS)}")


def n_version(g: Gen) -> str:
    v = f"{g.r.randint(0, 20)}.{g.r.randint(0, 40)}.{g.r.randint(0, 99)}"
    return g.pick(
        v,
        "v" + v,
        f"{v}-rc.{g.r.randint(1, 5)}",
        f"{v}+build.{g.r.randint(1, 999)}",
        f"python3.{g.r.randint(9, 13)}",
        f"{v}-{g.hexs(7)}",
    )


def n_datetime(g: Gen) -> str:
    y, m, d = g.r.randint(2015, 2026), g.r.randint(1, 12), g.r.randint(1, 28)
    return g.pick(
        f"{y}-{m:02d}-{d:02d}",
        f"{y}-{m:02d}-{d:02d}T{g.r.randint(0, 23):02d}:{g.r.randint(0, 59):02d}:00Z",
        f"{y}-{m:02d}-{d:02d}T{g.r.randint(0, 23):02d}:00:00.000+02:00",
        str(g.r.randint(1_500_000_000, 1_800_000_000)),
        f"{d:02d}/{m:02d}/{y}",
    )


def n_cron(g: Gen) -> str:
    return g.pick(
        f"cron(0 {g.r.randint(0, 23)} * * ? *)",
        f"rate({g.r.randint(1, 60)} minutes)",
        f"*/{g.r.randint(2, 30)} * * * *",
        f"0 {g.r.randint(0, 23)} * * 1-5",
        "@daily",
    )


def n_log_level(g: Gen) -> str:
    return g.pick("INFO", "DEBUG", "WARN", "ERROR", "info", "debug", "TRACE", "warning")


def n_feature_flag(g: Gen) -> str:
    return g.pick(
        "true",
        "false",
        "enabled",
        "disabled",
        "on",
        "off",
        "1",
        "0",
        "yes",
        json.dumps(
            {g.word() + "_enabled": g.r.random() < 0.5, "rollout_percent": g.r.randint(0, 100)}
        ),
        f"{g.word()}={g.pick('true', 'false')},{g.word()}={g.pick('true', 'false')}",
    )


def n_json_config(g: Gen) -> str:
    config = {
        "service": g.app(),
        "region": g.region(),
        "timeout_ms": g.r.randint(100, 30000),
        "retries": g.r.randint(0, 5),
        "endpoints": {
            "api": f"https://{g.host()}/v1",
            "auth_url": f"https://{g.host()}/oauth2/token",
        },
        "token_ttl_seconds": g.r.choice([300, 3600, 86400]),
        "password_min_length": g.r.choice([8, 12, 14]),
        "secret_arn": f"arn:aws:secretsmanager:{g.region()}:{g.account()}:secret:"
        f"{g.app()}-{g.chars(ALNUM, 6)}",
        "kms_key_id": g.uuid(),
        "client_id": g.chars(LOWER_ALNUM, 26),
        "correlation_id": g.uuid(),
        "checksum": hashlib.sha256(g.bytes_(16)).hexdigest(),
        "build": {"commit": g.hexs(40), "version": f"{g.r.randint(1, 9)}.{g.r.randint(0, 20)}.0"},
    }
    keys = list(config)
    g.r.shuffle(keys)
    chosen = {k: config[k] for k in keys[: g.r.randint(5, len(keys))]}
    return json.dumps(chosen, indent=g.r.choice([None, 2]))


def n_yaml_config(g: Gen) -> str:
    return (
        f"service: {g.app()}\nenvironment: {g.env()}\nreplicas: {g.r.randint(1, 10)}\n"
        f"image: {g.account()}.dkr.ecr.{g.region()}.amazonaws.com/{g.app()}:{g.hexs(7)}\n"
        f"resources:\n  cpu: {g.pick('256', '512', '1024')}\n  memory: {g.pick('512Mi', '1Gi')}\n"
        f"auth:\n  enabled: {g.pick('true', 'false')}\n"
        f"  provider: {g.pick('okta', 'cognito', 'auth0')}\n"
        f"  token_ttl: {g.pick('15m', '1h', '24h')}\n  password_policy: strong\n"
        f"  secret_name: {g.env()}/{g.app()}/db\n"
        f"tracing:\n  sample_rate: 0.{g.r.randint(1, 9)}\n"
    )


def n_properties(g: Gen) -> str:
    return g.pick(
        f"spring.datasource.url=jdbc:postgresql://{g.host()}:5432/{g.app()}\n"
        f"spring.datasource.username={g.user()}\n"
        "spring.datasource.password=${DB_PASSWORD}\n"
        f"server.port={g.r.choice([8080, 9090])}\n",
        f"[app]\nname = {g.app()}\nlog_level = INFO\nworkers = {g.r.randint(1, 16)}\n"
        f"[db]\nhost = {g.host()}\npassword_file = /run/secrets/db_password\n",
    )


def n_dotenv_placeholders(g: Gen) -> str:
    return (
        f"APP_ENV={g.env()}\nDB_HOST={g.host()}\nDB_USER={g.user()}\n"
        "DB_PASSWORD="
        + g.pick("${DB_PASSWORD}", "<your-password>", "", "changeit-in-secrets-manager", "****")
        + "\n"
        f"API_KEY={g.pick('${API_KEY}', '{{resolve:ssm-secure:/app/api-key}}', 'REPLACE_ME', '')}\n"
        f"SECRET_ARN=arn:aws:secretsmanager:{g.region()}:{g.account()}:secret:{g.app()}\n"
        f"TOKEN_TTL={g.r.choice([300, 3600])}\n"
    )


def n_base64_text(g: Gen) -> str:
    text = g.pick(
        json.dumps({"service": g.app(), "region": g.region(), "debug": False}),
        f"#!/bin/bash\nyum install -y amazon-cloudwatch-agent\necho {g.app()} > /etc/hostname\n",
        f"{g.app()} configuration for {g.env()}; owner {g.pick(*FIRST_NAMES)}",
        f'<?xml version="1.0"?><config><name>{g.app()}</name></config>',
        f"[Unit]\nDescription={g.app()}\n[Service]\nExecStart=/usr/bin/{g.app()}\n",
    )
    return base64.b64encode(text.encode()).decode()


def n_list(g: Gen) -> str:
    return g.pick(
        ",".join(g.r.sample(REGIONS, 3)),
        ",".join(f"{g.region()}{c}" for c in "abc"),
        ",".join(g.r.sample(["t3.micro", "t3.medium", "m5.large", "c6g.xlarge", "r6i.2xlarge"], 3)),
        ",".join(g.r.sample(APPS, 4)),
        ", ".join(g.r.sample(WORDS, 5)),
        "GET,POST,PUT,DELETE,OPTIONS",
    )


def n_number_duration(g: Gen) -> str:
    return g.pick(
        str(g.r.randint(0, 100000)),
        f"{g.r.randint(1, 90)}{g.pick('s', 'm', 'h', 'd', 'ms')}",
        f"{g.r.randint(1, 512)}{g.pick('Mi', 'Gi', 'MB', 'GB')}",
        f"0.{g.r.randint(1, 999)}",
        f"PT{g.r.randint(1, 59)}M",
    )


def n_aws_ids(g: Gen) -> str:
    return g.pick(
        f"{g.region()}_{g.chars(ALNUM, 9)}",  # Cognito user pool
        g.chars(LOWER_ALNUM, 26),  # Cognito app client ID
        "E" + g.chars(UPPER_ALNUM, 13),  # CloudFront distribution
        "Z" + g.chars(UPPER_ALNUM, g.r.choice([13, 20])),  # Route 53 hosted zone
        "AIDA" + g.chars(UPPER_ALNUM, 17),  # IAM user unique ID
        "AROA" + g.chars(UPPER_ALNUM, 17) + f":{g.user()}",  # role session
        f"alias/{g.app()}-{g.env()}",
        f"1-{g.hexs(8)}-{g.hexs(24)}",  # X-Ray trace ID
        g.chars(LOWER_ALNUM, 10),  # API Gateway ID
        f"{g.region()}:{g.uuid()}",  # Cognito identity pool
    )


def n_access_key_id_alone(g: Gen) -> str:
    return aws_keypair(g)[0]


def n_twilio_sid_alone(g: Gen) -> str:
    return g.pick("AC", "MG", "PN") + g.hexs(32)


def n_stripe_public(g: Gen) -> str:
    return g.pick(
        "pk" + "_live_" + g.chars(ALNUM, 99),
        "pk" + "_test_" + g.chars(ALNUM, 99),
        "price_" + g.chars(ALNUM, 24),
        "prod_" + g.chars(ALNUM, 14),
        "cus_" + g.chars(ALNUM, 14),
        "acct_" + g.chars(ALNUM, 16),
    )


def n_ssh_public_key(g: Gen) -> str:
    kind = g.pick("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256")
    blob = base64.b64encode(ssh_public_blob(g, kind)).decode()
    return f"{kind} {blob} {g.user()}@{g.app()}"


def n_certificate(g: Gen) -> str:
    return g.pick(
        pem("CERTIFICATE", fake_certificate(g)),
        pem("PUBLIC KEY", fake_spki(g)),
        pem("CERTIFICATE", fake_certificate(g)) + pem("CERTIFICATE", fake_certificate(g)),
        base64.b64encode(fake_certificate(g)).decode(),
    )


def n_jwks(g: Gen) -> str:
    return json.dumps(
        {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": g.chars(B64URL, 43),
                    "use": "sig",
                    "alg": "RS256",
                    "n": g.b64(256, url=True, pad=False),
                    "e": "AQAB",
                }
            ]
        }
    )


def n_public_tokens(g: Gen) -> str:
    anon = {
        "iss": "supabase",
        "ref": g.chars(string.ascii_lowercase, 20),
        "role": "anon",
        "iat": 1700000000,
        "exp": 2000000000,
    }
    return g.pick(
        f"{b64url_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64url_json(anon)}."
        + g.b64(32, url=True, pad=False),
        "pub" + g.hexs(32),  # Datadog RUM client token
        "pk.eyJ1Ijoi" + g.chars(B64URL, 40) + "." + g.chars(B64URL, 22),  # Mapbox public token
        f"InstrumentationKey={g.uuid()};IngestionEndpoint=https://{g.region()}.in.applicationinsights.azure.com/",
        "G-" + g.chars(UPPER_ALNUM, 10),
    )


def n_paths(g: Gen) -> str:
    return g.pick(
        f"/{g.env()}/{g.app()}/config.json",
        f"/var/log/{g.app()}/{g.app()}.log",
        f"/aws/lambda/{g.app()}-{g.env()}",
        f"C:\\Program Files\\{g.app().title()}\\bin\\{g.word()}.exe",
        f"/run/secrets/{g.app()}_db_password",
        f"./{g.word()}/{g.word()}.yaml",
        f"{g.app()}/{g.env()}/{g.word()}",
    )


def n_prose(g: Gen) -> str:
    return g.pick(
        f"Maintenance window for {g.app()} every Sunday 02:00-04:00 UTC; "
        f"contact {g.pick(*FIRST_NAMES)}.",
        f"SELECT id, name, created_at FROM {g.app().replace('-', '_')} "
        "WHERE status = 'active' LIMIT 100",
        f"The {g.word()} service is deprecated; use {g.app()} instead.",
        f"Welcome to {g.app().title()}! Your order has shipped.",
        "^[a-z0-9-]{3,63}$",
        f"<p>Hello {{{{name}}}}, your code expires in {g.r.randint(5, 30)} minutes.</p>",
    )


def n_iam_policy(g: Gen) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [f"{g.pick(*SERVICES)}:Get*", f"{g.pick(*SERVICES)}:List*"],
                    "Resource": f"arn:aws:{g.pick(*SERVICES)}:{g.region()}:{g.account()}:*",
                    "Condition": {
                        "StringEquals": {"aws:PrincipalOrgID": "o-" + g.chars(LOWER_ALNUM, 10)}
                    },
                }
            ],
        }
    )


def n_k8s_configmap(g: Gen) -> str:
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {g.app()}-config\n"
        f'  namespace: {g.env()}\ndata:\n  LOG_LEVEL: info\n  FEATURE_{g.word().upper()}: "true"\n'
        f"  UPSTREAM: http://{g.app()}.{g.env()}.svc.cluster.local:8080\n"
    )


def n_encrypted_refs(g: Gen) -> str:
    return g.pick(
        f"ENC[AES256_GCM,data:{g.b64(24)},iv:{g.b64(32)},tag:{g.b64(16)},type:str]",
        f"{{{{resolve:secretsmanager:{g.app()}/{g.env()}/db:SecretString:password}}}}",
        f"vault:secret/data/{g.env()}/{g.app()}#password",
        f"${{ssm:/{g.env()}/{g.app()}/api-key}}",
        f"op://{g.env()}/{g.app()}/password",
    )


def n_misc_identifiers(g: Gen) -> str:
    return g.pick(
        ":".join(g.hexs(2) for _ in range(6)),  # MAC address
        "#" + g.hexs(6),
        f"{g.app()}-{g.env()}-{g.region()}",
        f"{g.app().upper().replace('-', '_')}_{g.env().upper()}",
        "Europe/" + g.pick("London", "Berlin", "Paris"),
        g.pick("application/json", "text/html; charset=utf-8", "en-US", "UTF-8"),
        f"{g.r.randint(100, 999)}-{g.r.randint(100, 999)}-{g.r.randint(1000, 9999)}",
        f"o-{g.chars(LOWER_ALNUM, 10)}",
        f"{g.app()}.{g.env()}.{g.word()}.enabled",
    )


def n_tool_configs(g: Gen) -> str:
    cert_pem = pem("CERTIFICATE", fake_certificate(g))
    cert_b64 = base64.b64encode(fake_certificate(g)).decode()
    cert_lines = "\n".join(cert_b64[i : i + 76] for i in range(0, len(cert_b64), 76))
    cluster = f"{g.app()}-{g.env()}"
    return g.pick(
        json.dumps(
            {
                "agent": {"metrics_collection_interval": 60, "run_as_user": "cwagent"},
                "logs": {
                    "logs_collected": {
                        "files": {
                            "collect_list": [
                                {
                                    "file_path": f"/var/log/{g.app()}/*.log",
                                    "log_group_name": f"/{g.env()}/{g.app()}",
                                    "log_stream_name": "{instance_id}",
                                }
                            ]
                        }
                    }
                },
                "metrics": {"append_dimensions": {"InstanceId": "${aws:InstanceId}"}},
            },
            indent=2,
        ),
        json.dumps(
            [
                {
                    "name": g.app(),
                    "image": f"{g.account()}.dkr.ecr.{g.region()}.amazonaws.com/"
                    f"{g.app()}:{g.hexs(7)}",
                    "environment": [{"name": "LOG_LEVEL", "value": "info"}],
                    "secrets": [
                        {
                            "name": "DB_PASSWORD",
                            "valueFrom": f"arn:aws:ssm:{g.region()}:{g.account()}:"
                            f"parameter/{g.env()}/db",
                        }
                    ],
                }
            ]
        ),
        '<md:EntityDescriptor entityID="https://sso.example.com/saml"><md:IDPSSODescriptor>'
        "<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n"
        + cert_lines
        + "\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        "</md:IDPSSODescriptor></md:EntityDescriptor>",
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
        f"    certificate-authority-data: {base64.b64encode(cert_pem.encode()).decode()}\n"
        f"    server: https://{g.hexs(32).upper()}.gr7.{g.region()}.eks.amazonaws.com\n"
        f"  name: {cluster}\nusers:\n- name: {cluster}\n  user:\n    exec:\n"
        "      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n"
        f"      args: [eks, get-token, --cluster-name, {cluster}]\n",
        json.dumps(
            {
                "aws_project_region": g.region(),
                "aws_cognito_identity_pool_id": f"{g.region()}:{g.uuid()}",
                "aws_user_pools_id": f"{g.region()}_{g.chars(ALNUM, 9)}",
                "aws_user_pools_web_client_id": g.chars(LOWER_ALNUM, 26),
                "oauth": {"domain": f"{g.app()}.auth.{g.region()}.amazoncognito.com"},
            }
        ),
        f"receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n"
        f"exporters:\n  awsxray:\n    region: {g.region()}\nservice:\n  pipelines:\n"
        "    traces:\n      receivers: [otlp]\n      exporters: [awsxray]\n",
    )


def n_client_ids(g: Gen) -> str:
    return g.pick(
        f"{g.r.randint(10**11, 10**12)}-{g.chars(LOWER_ALNUM, 32)}.apps.googleusercontent.com",
        "0oa" + g.chars(ALNUM, 17),  # Okta application ID
        g.uuid(),  # Entra ID application (client) ID
        f"1:{g.r.randint(10**11, 10**12)}:web:{g.hexs(22)}",  # Firebase app ID
        f"{g.app()}.{g.pick(*DOMAINS)}",
        "mob-" + g.uuid(),  # LaunchDarkly mobile key: shipped in apps
    )


def n_mongo_objectid(g: Gen) -> str:
    return g.pick(g.hexs(24), f'ObjectId("{g.hexs(24)}")', str(g.r.randint(10**17, 10**19)))


NON_SECRET_KINDS: dict[str, tuple[Callable[[Gen], str], str]] = {
    "hostname": (n_hostname, ""),
    "url": (n_url, "no credentials"),
    "url-user-only": (n_url_user_only, "a user name but no password; Sentry DSNs are public"),
    "placeholder-password": (n_url_placeholder_password, "the password is a reference or mask"),
    "arn": (n_arn, ""),
    "uuid": (n_uuid, ""),
    "hex-digest": (n_hex_digest, "md5/sha1/sha256/sha512 checksums"),
    "digest-prefixed": (n_digest_prefixed, "SRI integrity, OCI and SSH fingerprints"),
    "git-sha": (n_git_sha, ""),
    "container-image": (n_image, ""),
    "ami-id": (n_ami, ""),
    "resource-id": (n_resource_id, ""),
    "account-id": (n_account_id, ""),
    "cidr-list": (n_cidr, ""),
    "ip-address": (n_ip, ""),
    "s3-uri": (n_s3_uri, ""),
    "email": (n_email, ""),
    "version": (n_version, ""),
    "datetime": (n_datetime, ""),
    "cron": (n_cron, ""),
    "log-level": (n_log_level, ""),
    "feature-flag": (n_feature_flag, ""),
    "json-config": (n_json_config, "secret-sounding keys whose values are not secrets"),
    "yaml-config": (n_yaml_config, "secret-sounding keys whose values are not secrets"),
    "properties-ini": (n_properties, "the password is a reference"),
    "dotenv-placeholders": (n_dotenv_placeholders, "secret-named keys with placeholder values"),
    "base64-text": (n_base64_text, "base64 of ordinary text, JSON, scripts"),
    "list": (n_list, "comma-separated lists"),
    "number-duration": (n_number_duration, ""),
    "aws-identifiers": (n_aws_ids, "Cognito, CloudFront, Route 53, IAM unique IDs, X-Ray"),
    "aws-access-key-id-alone": (
        n_access_key_id_alone,
        "an identifier; the secret key is elsewhere (for example a SecureString)",
    ),
    "twilio-sid-alone": (n_twilio_sid_alone, "an identifier"),
    "stripe-public": (n_stripe_public, "publishable keys and object IDs"),
    "ssh-public-key": (n_ssh_public_key, ""),
    "certificate-public-key": (n_certificate, "certificates and public keys, PEM or base64 DER"),
    "jwks": (n_jwks, "public keys"),
    "public-client-tokens": (n_public_tokens, "meant for browsers: anon JWT, RUM, Mapbox pk"),
    "path": (n_paths, ""),
    "prose-sql-regex": (n_prose, ""),
    "iam-policy": (n_iam_policy, ""),
    "k8s-configmap": (n_k8s_configmap, ""),
    "encrypted-or-reference": (n_encrypted_refs, "SOPS ciphertext and secret-store references"),
    "misc-identifiers": (n_misc_identifiers, ""),
    "object-id": (n_mongo_objectid, ""),
    "tool-config": (n_tool_configs, "CloudWatch agent, ECS, SAML metadata, kubeconfig (exec)"),
    "oauth-client-id": (n_client_ids, "public client identifiers"),
}


def generate(seed: int = SEED, per_kind: int = ROWS_PER_KIND) -> list[Row]:
    """The corpus for a seed: per_kind rows of every secret and every non-secret kind."""
    g = Gen(seed)
    rows: list[Row] = []
    for label, kinds in ((1, SECRET_KINDS), (0, NON_SECRET_KINDS)):
        for kind, (make, note) in kinds.items():
            seen: set[str] = set()
            for _ in range(per_kind * 20):
                if len(seen) == per_kind:
                    break
                value = make(g)
                if value not in seen:
                    seen.add(value)
                    rows.append(Row(value, label, kind, note))
    return rows


def escape(value: str) -> str:
    """One TSV field: newlines, tabs and backslashes written as escapes."""
    return value.encode("unicode_escape").decode("ascii")


def unescape(field: str) -> str:
    """The inverse of escape."""
    return field.encode("ascii").decode("unicode_escape")


def to_tsv(rows: list[Row]) -> str:
    """The corpus as TSV text with a header row."""
    lines = ["value\tlabel\tkind\tnote"]
    lines += [f"{escape(r.value)}\t{r.label}\t{r.kind}\t{r.note}" for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Write values.tsv (or the path given) for a person to read."""
    target = Path(argv[1]) if len(argv) > 1 else HERE / "values.tsv"
    target.write_text(to_tsv(generate()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
