/* Checks run on candidate pattern matches (never on whole texts): they turn a regex hit
 * into a finding only when the candidate is structurally real. All are pure functions of
 * the bytes, allocate nothing, and accept any input (separators, junk) without crashing. */
#ifndef IG_TEXT_VALIDATORS_H
#define IG_TEXT_VALIDATORS_H

#include <inferguard/base.h>

/* Luhn over the digits of p[0..n) (other bytes skipped); false for fewer than 2 digits. */
bool ig_luhn(const char *p, size_t n);
/* Payment card: 13-19 digits (spaces/dashes allowed) with a known IIN range and length
 * (Visa, Mastercard, Amex, Discover, JCB, Diners) and a valid Luhn sum. */
bool ig_valid_card(const char *p, size_t n);
/* IBAN: country code, check digits, per-country length when known, mod 97 == 1
 * computed digit by digit (spaces and dashes skipped). */
bool ig_valid_iban(const char *p, size_t n);
/* US SSN (ddd-dd-dddd, same separator throughout, or 9 bare digits): area not 000, 666
 * or 900-999, group not 00, serial not 0000, not one digit repeated. */
bool ig_valid_ssn(const char *p, size_t n);
/* Shannon entropy of the bytes in bits per character (0 for n == 0). */
double ig_entropy(const char *p, size_t n);
/* JWT: three dot-separated base64url parts whose first two decode to JSON objects. */
bool ig_valid_jwt(const char *p, size_t n);
/* AWS documentation keys end in "EXAMPLE": true when the candidate is one. */
bool ig_aws_example(const char *p, size_t n);
/* An e-mail address at a domain reserved for documentation (RFC 2606 sec. 3: example.com,
 * example.net, example.org and their subdomains): true when the candidate is one. */
bool ig_reserved_email(const char *p, size_t n);
/* Does one of the words (case-insensitive, '|' separated, e.g. "ssn|social security")
 * occur in p[0..n)? */
bool ig_has_context(const char *p, size_t n, const char *words);

/* Masked evidence: first 2 and last 2 characters of the value, its length and a keyed
 * 64-bit SipHash-2-4 of it, e.g. "AK...OP (20 chars) #1f2e3d4c5b6a7988". Values of up
 * to 8 characters show nothing in clear. Writes at most outlen bytes (NUL-terminated). */
void ig_text_mask(const char *p, size_t n, const uint8_t key[16], char *out, size_t outlen);
/* The deployment's evidence mask key (for ig_text_mask), derived from leakage.secrets'
 * hash_key (rules/schema.md; hash_key_file, $INFERGUARD_EVIDENCE_KEY, else random per
 * process): every detector that masks evidence uses it, so one secret hashes alike in all.
 * IG_OK, or ig_rules_secret's error with one sentence in err. */
struct ig_rules;
int ig_evidence_key(const struct ig_rules *r, uint8_t key[16], char *err, size_t errlen);
/* SipHash-2-4 of p[0..n) under <key>. */
uint64_t ig_siphash(const uint8_t key[16], const void *p, size_t n);

#endif
