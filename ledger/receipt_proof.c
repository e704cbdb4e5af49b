/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proven receipts (design §9; layout in policy/receipt_proof.h): the
 * ledger attaches to one of its receipts an RFC 9942 COSE Receipt of the
 * entry's inclusion in a checkpoint's tree and that checkpoint; anyone
 * with the log's verifier key (and witnesses' vkeys) checks it offline.
 *
 * Verification follows "verify, then use": the receipt's own signature
 * first (kansa_receipt_verify), then the proof, whose every number is
 * compared with what the log signed (the receipt's seq and leaf, the
 * checkpoint's size and root) before the proof counts. A deny receipt can
 * be proven (the proof proves logging), and still verifies as a deny.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys/keys.h"
#include "ledger/ledger_impl.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "policy/receipt.h"
#include "policy/receipt_proof.h"

static int verify_fail(const char *fmt, ...) KANSA_PRINTF(1, 2);

static int verify_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kansa_error_vset(KANSA_EVERIFY, KANSA_ERRCLASS_COSE, fmt, ap);
	va_end(ap);
	return KANSA_EVERIFY;
}

/* ---- proving: the ledger's side ----------------------------------------- */

/* @p receipt is this ledger's, signed by its log key, for a leaf it holds. */
static int own_receipt(kansa_receipt_info *info, kansa_ledger *lg, const uint8_t *receipt, size_t len)
{
	const kansa_key *key = kansa_ledger__log_key(lg);
	kansa_receipt_parts parts;
	uint8_t sig[KANSA_SIG_LEN], kid[KANSA_KID_LEN], leaf[KANSA_HASH_LEN];
	int error;

	if ((error = kansa_receipt__parse(info, &parts, sig, receipt, len)) < 0)
		return error;
	kansa_key_kid(kid, key);
	if (!kansa_ct_equal(kid, info->kid, KANSA_KID_LEN) || strcmp(info->log, kansa_ledger__origin(lg)) != 0 ||
	    kansa_key_verify(key, parts.tbs, parts.tbs_len, sig) < 0)
		error = verify_fail("the receipt is not signed by this ledger's log key (%.128s)",
		    kansa_ledger__origin(lg));
	kansa_receipt__parts_dispose(&parts);
	if (error < 0)
		return error;
	if ((error = kansa_store__node_get(leaf, kansa_ledger__store(lg), 0, info->seq)) == KANSA_ENOTFOUND)
		return verify_fail("the receipt's entry %llu is not in this ledger", (unsigned long long)info->seq);
	if (error < 0)
		return error;
	/* REQ: PROVE-LEAF only a receipt whose leaf the ledger holds is proven */
	if (!kansa_ct_equal(leaf, info->leaf_hash, KANSA_HASH_LEN))
		return verify_fail("the receipt's leaf hash is not entry %llu's", (unsigned long long)info->seq);
	return 0;
}

/* The checkpoint to prove against: @p given (verified, of this ledger's
 * tree), else the latest stored. *note_out malloc'd. */
static int pick_checkpoint(char **note_out, size_t *note_len, kansa_checkpoint *cp, kansa_ledger *lg,
    uint64_t seq, const char *given, size_t given_len)
{
	kansa_note_verifier *v = NULL;
	kansa_store_pos pos;
	uint8_t *stored = NULL, root[KANSA_HASH_LEN];
	uint64_t size = 0;
	size_t n = given_len;
	int error;

	*note_out = NULL;
	if (given == NULL) {
		error = kansa_store__checkpoint_latest(&size, &stored, &n, kansa_ledger__store(lg));
		/* REQ: PROVE-CHECKPOINT no proof before a checkpoint covers the entry */
		if (error == KANSA_ENOTFOUND || (error == 0 && size <= seq)) {
			free(stored);
			return kansa_error_set(KANSA_ENOTFOUND, KANSA_ERRCLASS_LEDGER,
			    "no checkpoint covers entry %llu yet: run 'kansa ledger checkpoint' first, then prove it",
			    (unsigned long long)seq);
		}
		if (error < 0)
			return error;
		given = (const char *)stored;
	}
	if ((error = kansa_note_verifier_from_key(&v, kansa_ledger__log_key(lg), kansa_ledger__origin(lg))) == 0 &&
	    (error = kansa_checkpoint_verify(cp, given, n, (const kansa_note_verifier *const *)&v, 1, 1)) < 0)
		kansa_error_prefix("the checkpoint is not one of this ledger");
	kansa_note_verifier_free(v);
	if (error == 0 && (strcmp(cp->origin, kansa_ledger__origin(lg)) != 0 || cp->size <= seq))
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "the checkpoint is of another log, or its tree of %llu entries does not hold entry %llu",
		    (unsigned long long)cp->size, (unsigned long long)seq);
	if (error == 0 && (error = kansa_store__head(&pos, kansa_ledger__store(lg))) == 0 && cp->size > pos.seq)
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "the checkpoint's tree of %llu entries is larger than this ledger (%llu)",
		    (unsigned long long)cp->size, (unsigned long long)pos.seq);
	if (error == 0 && (error = kansa_merkle__root(root, kansa_ledger__node_source, kansa_ledger__store(lg),
	    cp->size)) == 0 && !kansa_ct_equal(root, cp->root, KANSA_HASH_LEN))
		error = kansa_error_set(KANSA_EVERIFY, KANSA_ERRCLASS_LEDGER,
		    "the checkpoint's root is not this ledger's tree of %llu entries", (unsigned long long)cp->size);
	if (error == 0 && (*note_out = strndup(given, n)) == NULL)
		error = KANSA_ENOMEM;
	*note_len = n;
	free(stored);
	return error;
}

int kansa_ledger_prove_receipt(uint8_t **out, size_t *len_out, kansa_ledger *lg,
    const uint8_t *receipt, size_t len, const char *checkpoint, size_t checkpoint_len)
{
	kansa_receipt_proof_parts in, p;
	kansa_receipt_info info;
	kansa_checkpoint cp;
	kansa_merkle_proof proof;
	uint8_t leaf[KANSA_HASH_LEN], root[KANSA_HASH_LEN], *tbs = NULL;
	size_t tbs_len = 0;
	bool has_proof = false;
	int error;

	*out = NULL;
	*len_out = 0;
	memset(&p, 0, sizeof(p));
	if (lg == NULL || receipt == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_LEDGER, "kansa_ledger_prove_receipt: missing argument");
	/* a receipt proven before is proven again from its receipt alone */
	if ((error = kansa_receipt__proof_parse(&in, &has_proof, receipt, len)) < 0)
		return error;
	if ((error = own_receipt(&info, lg, in.receipt, in.receipt_len)) < 0 ||
	    (error = pick_checkpoint(&p.checkpoint, &p.checkpoint_len, &cp, lg, info.seq, checkpoint,
	        checkpoint_len)) < 0 ||
	    (error = kansa_ledger_prove_inclusion(&proof, leaf, root, lg, info.seq, cp.size)) < 0)
		goto out;
	if (proof.len > KANSA_RECEIPT_MAX_PATH) {
		error = kansa_error_set(KANSA_ELIMIT, KANSA_ERRCLASS_LEDGER, "an inclusion proof of %zu hashes", proof.len);
		goto out;
	}
	p.size = proof.size;
	p.index = proof.index;
	p.path_len = proof.len;
	memcpy(p.path, proof.hashes, proof.len * KANSA_HASH_LEN);
	kansa_key_kid(p.kid, kansa_ledger__log_key(lg));
	/* REQ: PROVE-SIGN the COSE Receipt is signed by the log key over the checkpoint's root */
	if ((error = kansa_receipt__inclusion_protected(&p.protected_hdr, &p.protected_len, p.kid)) == 0 &&
	    (error = kansa_receipt__inclusion_tbs(&tbs, &tbs_len, p.protected_hdr, p.protected_len, cp.root)) == 0 &&
	    (error = kansa_key_sign(p.sig, kansa_ledger__log_key(lg), tbs, tbs_len)) == 0)
		error = kansa_receipt__proof_assemble(out, len_out, in.receipt, in.receipt_len, &p);
out:
	free(tbs);
	kansa_receipt__proof_dispose(&p);
	kansa_receipt__proof_dispose(&in);
	return error;
}

/* ---- reading and verifying: the data holder's side ------------------------ */

/* The checkpoint's root and its cosignature lines, unverified. */
static int peek_checkpoint(kansa_receipt_proof *proof, const char *note, size_t len)
{
	kansa_note_parsed np;
	const char *origin;
	size_t origin_len = 0, ext = 0, sigs = 0;
	uint64_t size = 0;
	int error;

	if ((error = kansa_note__parse(&np, note, len)) < 0)
		return kansa_error_prefix("proven receipt: the checkpoint");
	if ((error = kansa_checkpoint__parse_text(&origin, &origin_len, &size, proof->root, &ext, np.text,
	    np.text_len)) < 0)
		kansa_error_prefix("proven receipt: the checkpoint");
	for (size_t i = 0; i < np.n_sigs; i++)
		sigs += !np.sigs[i].duplicate;
	proof->cosignatures = sigs > 0 ? sigs - 1 : 0;
	kansa_note__parsed_dispose(&np);
	return error;
}

int kansa_receipt_proof_parse(kansa_receipt_info *out, kansa_receipt_proof *proof, bool *has_proof,
    const uint8_t *in, size_t len)
{
	kansa_receipt_proof_parts p;
	int error;

	if (out == NULL || proof == NULL || has_proof == NULL)
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "kansa_receipt_proof_parse: missing argument");
	memset(proof, 0, sizeof(*proof));
	memset(out, 0, sizeof(*out));
	if ((error = kansa_receipt__proof_parse(&p, has_proof, in, len)) < 0)
		return error;
	if ((error = kansa_receipt_parse(out, p.receipt, p.receipt_len)) == 0 && *has_proof) {
		proof->size = p.size;
		proof->index = p.index;
		proof->path_len = p.path_len;
		error = peek_checkpoint(proof, p.checkpoint, p.checkpoint_len);
	}
	kansa_receipt__proof_dispose(&p);
	if (error < 0) {
		memset(out, 0, sizeof(*out));
		memset(proof, 0, sizeof(*proof));
		*has_proof = false;
	}
	return error;
}

static bool same_verifier(const kansa_note_verifier *a, const kansa_note_verifier *b)
{
	return a->type == b->type && strcmp(a->name, b->name) == 0 &&
	    kansa_ct_equal(a->pub, b->pub, KANSA_PUBKEY_LEN);
}

/* Distinct @p w that cosigned @p note, into *count. */
static int count_witnesses(size_t *count, const char *note, size_t len,
    const kansa_note_verifier *const *w, size_t n)
{
	int error;

	*count = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		/* REQ: PROOF-QUORUM-DISTINCT a witness given twice counts once */
		for (size_t j = 0; j < i && !seen; j++)
			seen = same_verifier(w[i], w[j]);
		if (seen)
			continue;
		error = kansa_cosig_verify(NULL, note, len, w[i]);
		if (error == 0)
			(*count)++;
		else if (error != KANSA_ENOTFOUND && error != KANSA_EVERIFY)
			return kansa_error_prefix("--witness %.64s", w[i]->name);
	}
	return 0;
}

/* The checkpoint: signed by the log, of the receipt's log and the COSE Receipt's size. */
static int check_checkpoint(kansa_checkpoint *cp, const kansa_receipt_proof_parts *p,
    const kansa_receipt_info *info, const kansa_note_verifier *log_key)
{
	int error;

	/* REQ: PROOF-CHECKPOINT-SIG the checkpoint is signed by the log key */
	if ((error = kansa_checkpoint_verify(cp, p->checkpoint, p->checkpoint_len, &log_key, 1, 1)) < 0)
		return kansa_error_prefix("the proof's checkpoint is not signed by the log key (%.128s)", log_key->name);
	if (strcmp(cp->origin, info->log) != 0)
		return verify_fail("the proof's checkpoint is of log '%.128s', not '%.128s'", cp->origin, info->log);
	/* REQ: PROOF-SIZE the COSE Receipt and the checkpoint are of the same tree */
	if (cp->size != p->size)
		return verify_fail("tree size mismatch: the COSE Receipt is for %llu entries, the checkpoint for %llu",
		    (unsigned long long)p->size, (unsigned long long)cp->size);
	return 0;
}

static int check_proof(kansa_receipt_proof *proof, const kansa_receipt_proof_parts *p,
    const kansa_receipt_info *info, const kansa_note_verifier *log_key,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses, size_t quorum)
{
	kansa_checkpoint cp;
	uint8_t kid[KANSA_KID_LEN], *tbs = NULL;
	size_t tbs_len = 0;
	int error;

	kansa_key_kid(kid, log_key->key);
	if (!kansa_ct_equal(kid, p->kid, KANSA_KID_LEN))
		return verify_fail("the COSE Receipt is signed by another key than the log key (%.128s)", log_key->name);
	/* REQ: PROOF-INDEX the proof is for the receipt's own entry */
	if (p->index != info->seq)
		return verify_fail("the inclusion proof is for leaf %llu, not the receipt's entry %llu",
		    (unsigned long long)p->index, (unsigned long long)info->seq);
	if ((error = check_checkpoint(&cp, p, info, log_key)) < 0)
		return error;
	/* REQ: PROOF-PATH the audit path leads from the receipt's leaf to the signed root */
	if (kansa_merkle_verify_inclusion(p->index, p->size, info->leaf_hash,
	    (const uint8_t (*)[KANSA_HASH_LEN])p->path, p->path_len, cp.root) < 0)
		return verify_fail("the inclusion proof does not lead from the receipt's leaf to the checkpoint's root");
	if ((error = kansa_receipt__inclusion_tbs(&tbs, &tbs_len, p->protected_hdr, p->protected_len, cp.root)) < 0)
		return error;
	error = kansa_key_verify(log_key->key, tbs, tbs_len, p->sig);
	free(tbs);
	if (error < 0)
		return verify_fail("the COSE Receipt's signature over the tree's root does not verify with the log key");
	proof->size = p->size;
	proof->index = p->index;
	proof->path_len = p->path_len;
	memcpy(proof->root, cp.root, KANSA_HASH_LEN);
	proof->cosignatures = cp.note.signatures > 0 ? cp.note.signatures - 1 : 0;
	if ((error = count_witnesses(&proof->witnessed, p->checkpoint, p->checkpoint_len, witnesses,
	    n_witnesses)) < 0)
		return error;
	/* REQ: PROOF-QUORUM K distinct given witnesses cosigned this checkpoint */
	if (proof->witnessed < quorum)
		return verify_fail("%zu of the given witnesses cosigned the checkpoint, %zu required",
		    proof->witnessed, quorum);
	return 0;
}

int kansa_receipt_verify_proof(kansa_receipt_info *out, kansa_receipt_proof *proof,
    const uint8_t *proven, size_t len, const kansa_note_verifier *log_key,
    const kansa_note_verifier *const *witnesses, size_t n_witnesses, size_t quorum,
    const uint8_t *request, size_t request_len, int64_t now)
{
	kansa_receipt_proof_parts p;
	kansa_receipt_proof scratch;
	bool has_proof = false;
	char claim_msg[512];
	int claims, error;

	if (proof == NULL)
		proof = &scratch;
	memset(proof, 0, sizeof(*proof));
	if (out)
		memset(out, 0, sizeof(*out));
	if (out == NULL || proven == NULL || log_key == NULL || (witnesses == NULL && n_witnesses > 0))
		return kansa_error_set(KANSA_EINVAL, KANSA_ERRCLASS_COSE, "kansa_receipt_verify_proof: missing argument");
	if ((error = kansa_receipt__proof_parse(&p, &has_proof, proven, len)) < 0)
		return error;
	claims = kansa_receipt_verify(out, p.receipt, p.receipt_len, log_key, request, request_len, now);
	snprintf(claim_msg, sizeof(claim_msg), "%s", claims < 0 ? kansa_error_last()->message : "");
	if (claims < 0 && out->log[0] == '\0')
		error = claims; /* not signed by the log: nothing of it to prove */
	else if (!has_proof)
		error = verify_fail("the receipt carries no inclusion proof: get one with 'kansa receipt prove'");
	else
		error = check_proof(proof, &p, out, log_key, witnesses, n_witnesses, quorum);
	kansa_receipt__proof_dispose(&p);
	if (error < 0)
		return error;
	if (claims < 0)
		return kansa_error_set(claims, KANSA_ERRCLASS_COSE, "%s", claim_msg);
	return 0;
}
