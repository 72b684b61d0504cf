/*
 * auth_test.c: the digests of the handshake, checked against the real
 * exchange of PROTOCOL.md 3.6.
 */

#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "testing.h"

#define SEED_L1 "aemp;1;seed;tls_sha3_512,hmac_sha3_512,tls_anon," \
	"cleartext;cbor,json,storable;mproto=1;peeraddr=127.0.0.1:54816;" \
	"provider=AE-2.02;gproto=1"
#define SEED_L2 "Cftdf8tSrO2ByRTl9TUptaQBxqB1XvWkF0aq+VdkJtxF9tt/IKsXRcN/" \
	"UpZYTITcQEBVoqJCUmn6SOl3bngoDgdl"
#define CLIENT_L1 "aemp;1;aemp/vm/2J6mDlPOjA;tls_sha3_512,hmac_sha3_512," \
	"tls_anon,cleartext;cbor,json,storable;peeraddr=127.0.0.1:4040;" \
	"gproto=1;mproto=1;provider=AE-2.02"
#define CLIENT_L2 "qVtSWssPvqsR4j6JdtnI24hsbucED0AXt3a6gQw0EBEatPcE+" \
	"MsOvwPkRXzbLCJFm7+IpVUbZJXg0bsCTZLhXkKE"
#define SECRET "testsecret123"
#define SEED_TOKEN "ff7549230f31f9b752c1d32541992c06e64967092ff9fefc408f0d" \
	"b71e4e89c32a1d51fd8d809d397534b3aabaa997a0cac87ab32fb600e56da48bc8c" \
	"a0158f0"
#define CLIENT_TOKEN "0fa09c4819602d09c0d3f460cd901215b6556e24bd373364e54b" \
	"1b12a3fc49acda57043a26be3cc7b55130d5d34353c78c4ee223ee1e254afc7163b" \
	"e74f2897f"

DEF_TEST(auth, seed_token)
{
	char	*token = NULL;

	EXPECT_INT(0, auth_token("hmac_sha3_512", SECRET, 0, SEED_L1, SEED_L2,
	    CLIENT_L1, CLIENT_L2, &token));
	EXPECT_STR(SEED_TOKEN, token);
	free(token);
}

DEF_TEST(auth, client_token)
{
	char	*token = NULL;

	EXPECT_INT(0, auth_token("hmac_sha3_512", SECRET, 0, CLIENT_L1,
	    CLIENT_L2, SEED_L1, SEED_L2, &token));
	EXPECT_STR(CLIENT_TOKEN, token);
	free(token);
}

DEF_TEST(auth, hmac_hex)
{
	const char	*msg = SEED_L1 "\n" SEED_L2 "\n" CLIENT_L1 "\n"
	    CLIENT_L2 "\n";
	char		 hex[129];

	EXPECT_INT(0, auth_hmac_sha3_512_hex(SECRET, strlen(SECRET), msg,
	    strlen(msg), hex));
	EXPECT_STR(SEED_TOKEN, hex);
	EXPECT_INT(128, strlen(hex));
}

DEF_TEST(auth, sha3_empty)
{
	char	 hex[129];

	/* The FIPS 202 digest of the empty message. */
	EXPECT_INT(0, auth_sha3_512_hex("", 0, hex));
	EXPECT_STR("a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1"
	    "475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586"
	    "281dcd26", hex);
}

DEF_TEST(auth, wrong_secret)
{
	char	*token = NULL;

	EXPECT_INT(0, auth_token("hmac_sha3_512", "testsecret124", 0, SEED_L1,
	    SEED_L2, CLIENT_L1, CLIENT_L2, &token));
	EXPECT_TRUE(token != NULL && strcmp(token, SEED_TOKEN) != 0);
	EXPECT_INT(0, auth_token_equal(token, strlen(token), SEED_TOKEN));
	EXPECT_INT(1, auth_token_equal(SEED_TOKEN, strlen(SEED_TOKEN),
	    SEED_TOKEN));
	EXPECT_INT(0, auth_token_equal(SEED_TOKEN, 10, SEED_TOKEN));
	free(token);
}

DEF_TEST(auth, methods)
{
	const char	*msg = "a\nb\nc\nd\n";
	char		*token = NULL, hex[129];

	EXPECT_INT(AEMP_ERR_NOENT, auth_token("hmac_sha3_512", NULL, 0, "a",
	    "b", "c", "d", &token));
	EXPECT_TRUE(token == NULL);
	EXPECT_INT(AEMP_ERR_INVAL, auth_token("tls_anon", SECRET, 0, "a",
	    "b", "c", "d", &token));
	EXPECT_INT(AEMP_ERR_INVAL, auth_token("tls_sha3_512", SECRET, 0, "a",
	    "b", "c", "d", &token));
	EXPECT_INT(0, auth_token("cleartext", "ab\x01", 0, "a", "b", "c",
	    "d", &token));
	EXPECT_STR("616201", token);
	free(token);

	/* With TLS: the plain digest of the four lines, ours first. */
	EXPECT_INT(0, auth_token("tls_sha3_512", NULL, 1, "a", "b", "c", "d",
	    &token));
	auth_sha3_512_hex(msg, strlen(msg), hex);
	EXPECT_STR(hex, token);
	free(token);
	EXPECT_INT(0, auth_token("tls_anon", NULL, 1, "a", "b", "c", "d",
	    &token));
	EXPECT_STR("", token);
	free(token);
}

DEF_TEST(auth, nonce)
{
	char	 a[AUTH_NONCE_LEN + 1], b[AUTH_NONCE_LEN + 1];

	EXPECT_INT(0, auth_nonce(a));
	EXPECT_INT(0, auth_nonce(b));
	EXPECT_INT(88, strlen(a));
	EXPECT_TRUE(strcmp(a, b) != 0);
	EXPECT_TRUE(strpbrk(a, "\r\n;") == NULL);
}

int
main(void)
{
	RUN_TEST(auth, seed_token);
	RUN_TEST(auth, client_token);
	RUN_TEST(auth, hmac_hex);
	RUN_TEST(auth, sha3_empty);
	RUN_TEST(auth, wrong_secret);
	RUN_TEST(auth, methods);
	RUN_TEST(auth, nonce);
	return END_TESTS();
}
