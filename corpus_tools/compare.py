"""Compare outlets (or any groups of articles) side by side: a summary table, similarity, shared passages, credits.

Counting rules
--------------
* **Groups** are the values of one column of the articles table, ``by`` (default ``"outlet"``;
  ``"country"``, ...): every function takes it, names its group columns after it (``<by>``,
  ``<by>_a``, ``<by>_b``), and raises a ``ValueError`` naming the column when a table lacks it.
* **Similarity** between groups is the cosine of TF-IDF vectors of their content terms
  (each group's articles pooled; see :mod:`corpus_tools.terms`).
* **A shared passage** is a pair of sentences from *different groups* that share at least
  :data:`MIN_SHARED_TERMS` distinct content terms (lemmas, stop words out, as in the term table)
  and whose TF-IDF term vectors (sublinear tf, idf over all sentences) have a cosine of at least
  :data:`MIN_COSINE`. Lemmas rather than exact words, because the same Kremlin readout reaches
  English through different translators ("did not take into consideration Russia's fundamental
  concerns" / "have failed to address Russia's fundamental concerns"). ``kind`` says which:

  ============== ================================================================================
  ``exact``      the same sentence once normalised (:func:`normalise_sentence`: NFKC, lower case,
                 punctuation and whitespace folded); cosine 1.0
  ``near``       otherwise a cosine of :data:`NEAR_COSINE` (0.8) or more: wire copy with a few
                 words changed
  ``quote``      a lower cosine, both sentences quoting someone
  ``paraphrase`` a lower cosine otherwise
  ============== ================================================================================

  How pairs are found, in time linear in the corpus (plus the pairs reported):

  1. *Exact copies*: every sentence's normalised text is hashed; all copies of a text in
     different groups are paired. Nothing is missed.
  2. *Near-duplicates*: MinHash signatures of each distinct sentence's set of content terms
     (:data:`LSH_BANDS` bands of :data:`LSH_ROWS` hash values, seeded by :data:`LSH_SEED`);
     two sentences sharing a band's bucket are candidates. Two term sets with Jaccard
     similarity J are candidates with probability ``1 - (1 - J**5)**30``: over 0.9999 at
     J = 0.8, 0.996 at 0.7, 0.91 at 0.6, 0.61 at 0.5, 0.07 at 0.3. Measured on synthetic
     corpora (``benchmarks/bench_scale.py``): every planted copy with J >= 0.7 but one in
     11,069 found, at 1, 10 and 60 MB.
  3. *Paraphrases*: two sentences sharing :data:`MIN_SHARED_TERMS` terms that are each found in
     at most ``max_df`` distinct sentences. Common terms make no candidates, so looser
     paraphrases are found less often as the corpus grows; exact and near copies do not
     depend on ``max_df``.

  Every candidate is then checked against the rule above with its exact cosine. Sentences
  are numbered in (article, sentence) order and hashed with fixed seeds (never Python's
  per-process ``hash()``), so the same corpus gives the same table in any record order and
  in any process. A text copied into ``n`` articles of different groups makes up to
  ``n * (n - 1) / 2`` rows: the table lists pairs.
* **Agency credits** are names of news agencies (AFP, AP, dpa, Reuters, ...) found in the
  lines cleaning removed (sign-offs, photo credits) or in the text ("the dpa news agency",
  "(AP)"). An article with a credit is agency-based copy, and two outlets running the same
  agency's copy are one source, not two. The manifest's ``outlet`` cell is searched as evidence
  ("stern.de (AFP-based)") whatever the grouping column.

Old names, kept as aliases
--------------------------
``similarity_matrix`` (:func:`measure_similarity`), ``shared_passages``
(:func:`find_shared_passages`), ``agency_credits`` (:func:`find_agency_credits`),
``outlet_summary`` (:func:`summarise_groups`), ``shared_counts`` (:func:`count_shared`).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata

import numpy as np
import pandas as pd
from scipy import sparse

from .audit import cleaning_audit
from .describe import label_groups
from .segment import _POSSESSIVE, TOKEN_PATTERN
from .terms import _groups, _l2_rows, _require_column, extract_terms, weigh_tfidf

__all__ = [
    "measure_similarity",
    "find_shared_passages",
    "compute_passage_keys",
    "find_agency_credits",
    "summarise_groups",
    "count_shared",
    "MIN_SHARED_TERMS",
    "MIN_COSINE",
    "NEAR_COSINE",
    "LSH_BANDS",
    "LSH_ROWS",
    "LSH_SEED",
    "MAX_BUCKET",
    "normalise_sentence",
    "AGENCY_PATTERNS",
    # old names, kept as aliases
    "similarity_matrix",
    "shared_passages",
    "agency_credits",
    "outlet_summary",
    "shared_counts",
]

#: Two sentences are candidates when they share at least this many content terms ...
MIN_SHARED_TERMS = 4
#: ... and a shared passage when the cosine of their TF-IDF term vectors reaches this.
MIN_COSINE = 0.35
#: A pair that is not an exact copy is a ``near`` duplicate from this cosine up.
NEAR_COSINE = 0.8
#: MinHash + LSH: the signature has LSH_BANDS bands of LSH_ROWS hash values; two sentences whose
#: term sets have Jaccard similarity J become candidates with probability 1 - (1 - J**LSH_ROWS)**LSH_BANDS.
LSH_BANDS = 30
LSH_ROWS = 5
#: Seed of the MinHash hash functions: fixed, so a corpus gives the same candidates everywhere.
LSH_SEED = 13
#: In an LSH bucket larger than this, each sentence is compared with the next MAX_BUCKET only
#: (sentences in corpus order), so that a topic's common words cannot make the cost quadratic.
MAX_BUCKET = 1000
_NOT_WORD = re.compile(r"[^\w\s]|_")
# joins a sentence's terms in compute_passage_keys: no token (corpus_tools.segment.TOKEN_PATTERN), so no term, holds it
_TERM_SEPARATOR = "\x1f"
# characters _NOT_WORD turns into spaces whatever their neighbours, before and after NFKC: ASCII
# punctuation and control characters, and the quote marks, dashes and ellipsis of news text
_PUNCTUATION = str.maketrans({c: " " for c in [chr(i) for i in range(128) if _NOT_WORD.match(chr(i)) and not chr(i).isspace()]
                              + list("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2013\u2014\u2015\u2026\u00ab\u00bb")})
#: Agency name to the pattern that finds its credit.
AGENCY_PATTERNS = {
    "AFP": r"\bAFP\b|Agence France[- ]Presse",
    "AP": r"\(AP\)|^AP\b|\bAP\b(?= *$)|Associated Press",
    "dpa": r"\bdpa\b|Deutsche Presse-Agentur",
    "Reuters": r"\bReuters\b",
    "TASS": r"\bTASS\b",
    "Interfax": r"\bInterfax\b",
    "IRNA": r"\bIRNA\b",
}
#: For each agency pattern, strings of which every match contains one (each alternative of the
#: pattern holds one of them): a text with none of them is not searched with the pattern, and an
#: article whose raw text has none for any pattern is not cleaned again for its audit. Keyed by the
#: pattern itself, so an edited or added pattern has no entry and is searched everywhere.
_PATTERN_HINTS = {
    AGENCY_PATTERNS["AFP"]: ("AFP", "Agence France"),
    AGENCY_PATTERNS["AP"]: ("AP", "Associated Press"),
    AGENCY_PATTERNS["dpa"]: ("dpa", "Deutsche Presse-Agentur"),
    AGENCY_PATTERNS["Reuters"]: ("Reuters",),
    AGENCY_PATTERNS["TASS"]: ("TASS",),
    AGENCY_PATTERNS["Interfax"]: ("Interfax",),
    AGENCY_PATTERNS["IRNA"]: ("IRNA",),
}


def measure_similarity(terms: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Measure the cosine similarity of the groups' TF-IDF term vectors, as a tidy table.

    Parameters
    ----------
    terms : pandas.DataFrame
        From :func:`corpus_tools.terms.extract_terms`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups; names the output columns.

    Returns
    -------
    pandas.DataFrame
        ``<by>_a``, ``<by>_b``, ``cosine``; every ordered pair, the diagonal included (1.0).
    """
    names, matrix, _ = weigh_tfidf(terms, articles, by=by)
    unit = _l2_rows(matrix)  # scikit-learn's cosine_similarity normalises the rows again, then multiplies
    sim = (unit @ unit.T).toarray()
    rows = [{f"{by}_a": a, f"{by}_b": b, "cosine": float(sim[i, j])} for i, a in enumerate(names) for j, b in enumerate(names)]
    return pd.DataFrame(rows)


def normalise_sentence(text: str) -> str:
    """Normalise a sentence for exact-duplicate matching: NFKC, lower case, punctuation and whitespace folded.

    Every character that is neither a letter, a digit nor whitespace (quote marks of any style,
    dashes, apostrophes, full stops, underscores) becomes a space; runs of whitespace become one
    space; the ends are stripped.

    Examples
    --------
    >>> normalise_sentence("The Kremlin said: “We  will respond” – soon.")
    'the kremlin said we will respond soon'
    >>> normalise_sentence('the KREMLIN said "we will respond" - soon')
    'the kremlin said we will respond soon'
    """
    text = text.translate(_PUNCTUATION)  # the same spaces the rule below makes, only faster
    if text.isascii():  # NFKC changes no ASCII text
        return " ".join(text.lower().split())
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).split())


# each ASCII byte as normalise_sentence's ASCII rule turns it: letters in lower case, digits kept, anything else a space
_ASCII_FOLD = np.array([ord(c.lower()) if c.isascii() and c.isalnum() else ord(" ") for c in map(chr, range(256))],
                       dtype=np.uint8)


def _normalise_all(texts, *, batch: int = 50_000):
    """:func:`normalise_sentence` of every text (an Arrow string array without nulls), as an Arrow string array.

    An ASCII text (99% of news text) is done on its bytes, by the rule :func:`normalise_sentence`
    follows for ASCII: its runs of letters and digits, in lower case, joined by one space
    (every other ASCII character is punctuation or whitespace). The others go through
    :func:`normalise_sentence` itself. In batches of texts, to bound the memory of the byte arrays.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = texts.cast(pa.large_string())
    parts = []
    for lo in range(0, len(texts), batch):
        part = texts.slice(lo, batch)
        offsets = np.frombuffer(part.buffers()[1], dtype=np.int64)[part.offset : part.offset + len(part) + 1]
        data = _ASCII_FOLD[np.frombuffer(part.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]]
        offsets = offsets - offsets[0]
        word = data != ord(" ")
        # a space is kept after a letter or digit of the same text: one per run; a run ending a text is trimmed below
        keep = np.zeros_like(word)
        keep[1:] = word[:-1]
        keep[offsets[:-1][offsets[:-1] < len(data)]] = False
        keep |= word
        kept = np.flatnonzero(keep)  # not a cumulative sum of keep: 5x slower
        new_offsets = np.searchsorted(kept, offsets)
        folded = pa.LargeStringArray.from_buffers(len(part), pa.py_buffer(new_offsets), pa.py_buffer(data[kept]))
        parts.append(pc.utf8_rtrim(folded, " "))
    out = pa.concat_arrays(parts) if parts else pa.array([], type=pa.large_string())
    other = pc.invert(pc.string_is_ascii(texts))
    if not pc.any(other).as_py():
        return out
    rest = [normalise_sentence(t) for t in texts.filter(other).to_pylist()]
    return pc.replace_with_mask(out, other, pa.array(rest, type=out.type))


def _stable_hash64(strings) -> np.ndarray:
    """64-bit BLAKE2b hashes of strings: the same on every machine and in every process (unlike ``hash()``)."""
    return np.array([int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little") for s in strings],
                    dtype=np.uint64)


def _mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, elementwise on uint64 (wrapping arithmetic)."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _range_pairs(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position ``k``, the pairs ``(k, m)`` with ``lo[k] <= m < hi[k]``, as two int64 arrays."""
    counts = np.maximum(hi - lo, 0).astype(np.int64)
    total = int(counts.sum())
    left = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return left, np.repeat(np.asarray(lo, dtype=np.int64), counts) + offsets


def _run_ends(keys: np.ndarray) -> np.ndarray:
    """For a sorted array, the end (exclusive) of the run of equal values that each position is in."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    breaks = np.flatnonzero(np.r_[keys[1:] != keys[:-1], True]) + 1
    return np.repeat(breaks, np.diff(np.r_[0, breaks]))


def _content_terms(texts, *, batch: int = 50_000) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count the content terms of each text, by the term table's rule, without building a token table.

    Tokens never contain whitespace, so a text's tokens are those of its whitespace-separated
    chunks, in order: :data:`corpus_tools.segment.TOKEN_PATTERN` runs once per *distinct*
    chunk ("Russia's", "U.S.", "said,"), and each distinct token goes through
    :func:`corpus_tools.terms.extract_terms` once, so the terms are exactly the term table's.
    ``texts``: a sequence of strings or an Arrow string array. Returns a texts x terms count
    matrix (CSR, column indices sorted) and the vocabulary (sorted).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    ids: dict[str, int] = {}  # distinct token -> its number
    chunk_ids: dict[str, tuple] = {}  # distinct chunk -> its tokens' numbers (a tuple: far smaller than an array each)
    row_parts, code_parts = [], []
    for lo in range(0, len(texts), batch):  # in batches, to bound the memory of the chunk arrays
        part = texts.slice(lo, batch) if isinstance(texts, pa.Array) else pa.array(texts[lo : lo + batch])
        parts = pc.utf8_split_whitespace(part.cast(pa.large_string()))
        chunks_per_text = pc.list_value_length(parts).to_numpy(zero_copy_only=False).astype(np.int64)
        encoded = pc.dictionary_encode(pc.list_flatten(parts))  # the batch's distinct chunks
        chunk_code = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        tokens = []
        for chunk in encoded.dictionary.to_pylist():
            if chunk not in chunk_ids:
                found = TOKEN_PATTERN.findall(chunk)
                chunk_ids[chunk] = tuple([ids.setdefault(tok, len(ids)) for tok in found])
            tokens.append(chunk_ids[chunk])
        n_tok = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        tok_flat = np.fromiter(itertools.chain.from_iterable(tokens), dtype=np.int32, count=int(n_tok.sum()))
        # every chunk of every text of the batch, expanded to its tokens
        per_chunk = n_tok[chunk_code]
        first = np.repeat(np.cumsum(n_tok)[chunk_code] - per_chunk, per_chunk)
        offset = np.arange(len(first), dtype=np.int64) - np.repeat(np.cumsum(per_chunk) - per_chunk, per_chunk)
        code_parts.append(tok_flat[first + offset])
        text_of_chunk = np.repeat(np.arange(lo, lo + len(chunks_per_text), dtype=np.int32), chunks_per_text)
        row_parts.append(np.repeat(text_of_chunk, per_chunk))
    # one entry per token of the corpus: int32, and the parts freed as soon as joined
    rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int32)
    tok_codes = np.concatenate(code_parts) if code_parts else np.zeros(0, dtype=np.int32)
    del row_parts, code_parts, chunk_ids
    # corpus_tools.segment.iter_tokens's rule, once per distinct token: a possessive 's comes off;
    # and is_alpha as corpus_tools.segment.tokens sets it
    distinct = [tok[:-2] if len(tok) > 2 and _POSSESSIVE.search(tok) else tok for tok in ids]
    table = pd.DataFrame({"uid": np.arange(len(distinct)), "token": pd.Series(distinct, dtype=object),
                          "is_alpha": [not t[0].isdigit() for t in distinct]})
    kept = extract_terms(table)
    term_codes, vocab = pd.factorize(kept["term"], sort=True)
    term_of_token = np.full(len(distinct), -1, dtype=np.int32)
    term_of_token[kept["uid"].to_numpy()] = term_codes
    t = term_of_token[tok_codes]
    del tok_codes
    keep = t >= 0
    t, rows = t[keep], rows[keep]
    del keep
    # rows come in ascending order: the CSR is made directly, without a COO copy of the entries
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(texts)))]
    del rows
    counts = sparse.csr_matrix((np.ones(len(t)), t, indptr), shape=(len(texts), len(vocab)))
    del t, indptr
    counts.sum_duplicates()
    counts.sort_indices()
    return counts, np.asarray(vocab, dtype=object)


def _minhash_parameters() -> tuple[np.ndarray, np.ndarray]:
    """The salts and bucket multipliers of the MinHash functions (:data:`LSH_BANDS` x :data:`LSH_ROWS` each), from :data:`LSH_SEED`."""
    rng = np.random.default_rng(LSH_SEED)
    salts = rng.integers(0, 2**63, size=(LSH_BANDS, LSH_ROWS), dtype=np.int64).astype(np.uint64)
    mults = rng.integers(0, 2**63, size=(LSH_BANDS, LSH_ROWS), dtype=np.int64).astype(np.uint64) | np.uint64(1)
    return salts, mults


#: Rows of :func:`_band_keys` reduced at a time: their hash values (600 bytes a row) stay in the CPU's cache.
_BAND_BLOCK = 4096

#: Terms hashed at a time by :func:`_term_hashes`: the 64-bit steps' temporaries stay at a few MB, whatever the vocabulary.
_HASH_BLOCK = 8192


def _term_hashes(vocab: np.ndarray, salts: np.ndarray) -> np.ndarray:
    """Every hash function's value of every term: terms x hash functions, the upper 32 bits of the 64-bit hash.

    Built in blocks of :data:`_HASH_BLOCK` terms, so that the peak is the table itself (4 bytes a
    value), not the 64-bit temporaries of the whole vocabulary (five times its size, or more).
    """
    hashed = _stable_hash64(vocab)
    out = np.empty((len(hashed), salts.size), dtype=np.uint32)
    for lo in range(0, len(hashed), _HASH_BLOCK):
        block = hashed[lo : lo + _HASH_BLOCK, None] ^ salts.reshape(1, -1)
        out[lo : lo + _HASH_BLOCK] = _mix64(block) >> np.uint64(32)
    return out


def _band_keys(counts: sparse.csr_matrix, vocab: np.ndarray) -> np.ndarray:
    """Each row's LSH bucket in every band (:data:`LSH_BANDS` x rows, uint64), from the MinHash of its set of terms.

    A band's LSH_ROWS MinHash values are, for each hash function, the least hash of the row's
    terms; the bucket is their wrapping sum weighted by fixed multipliers. The hashes come from
    :data:`LSH_SEED` and the terms' BLAKE2b hashes, so a row's buckets depend on its terms only:
    the same in every process, whatever the other rows. Rows without terms get 0.
    """
    out = np.zeros((LSH_BANDS, counts.shape[0]), dtype=np.uint64)
    lengths = np.diff(counts.indptr)
    full = np.flatnonzero(lengths > 0)
    salts, mults = _minhash_parameters()
    # every hash function's value of every term: one row of LSH_BANDS * LSH_ROWS values per term
    hashes = _term_hashes(vocab, salts)
    for lo in range(0, len(full), _BAND_BLOCK):
        # the block's rows, longest first: the rows holding a k-th term are a prefix, and each step an
        # elementwise minimum over all hash functions at once (a reduceat per function was 3x slower)
        rows = full[lo : lo + _BAND_BLOCK]
        rows = rows[np.argsort(-lengths[rows], kind="stable")]
        start, length = counts.indptr[rows], lengths[rows]
        least = hashes[counts.indices[start]]
        for k in range(1, int(length[0])):
            held = int(np.count_nonzero(length > k))
            np.minimum(least[:held], hashes[counts.indices[start[:held] + k]], out=least[:held])
        by_band = least.reshape(len(rows), LSH_BANDS, LSH_ROWS).astype(np.uint64) * mults  # wrapping
        out[:, rows] = by_band.sum(axis=2, dtype=np.uint64).T
    return out


def _sorted_unique(codes: np.ndarray, kind: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of an int64 array, sorted, and how often each occurs (``np.unique``, by sorting: faster here).

    Sorts ``codes`` in place (no copy of the candidates, the largest arrays of the search): callers pass arrays of their own.
    ``kind``: numpy's sort algorithm; ``"stable"`` merges sorted runs in linear time.
    """
    codes.sort(kind=kind)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, dtype=np.int64)
    return codes[starts], np.diff(np.r_[starts, len(codes)])


def _lsh_candidates(band_keys: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Pairs of ``rows`` sharing a bucket in some band (``band_keys``: bands x all ``n`` rows, from :func:`_band_keys`).

    Returns pair codes ``i * n + j`` (``i < j``, values of ``rows``), sorted, unique. In a bucket
    the rows are in ascending order and each meets the :data:`MAX_BUCKET` rows after it.
    """
    if len(rows) < 2:
        return np.zeros(0, dtype=np.int64)
    # a slot of the key's low bits per row, about four slots a row: a row alone in its slot is alone in its bucket
    bits = int(len(rows)).bit_length() + 2
    found = []
    for key in band_keys:
        key = key[rows]  # one band at a time: no copy of all the bands' keys
        slot = (key & np.uint64((1 << bits) - 1)).astype(np.intp)
        # only the rows that may share a bucket (a sixth at 60 MB) are sorted; in a bucket, rows in ascending order
        crowded = np.flatnonzero(np.bincount(slot, minlength=1 << bits)[slot] > 1)
        order = crowded[np.argsort(key[crowded], kind="stable")]
        pos = np.arange(len(order), dtype=np.int64)
        hi = np.minimum(_run_ends(key[order]), pos + 1 + MAX_BUCKET)
        left, right = _range_pairs(pos + 1, hi)
        found.append(rows[order[left]].astype(np.int64) * n + rows[order[right]])
    found = np.concatenate(found)  # the bands' parts freed before the sort
    return _sorted_unique(found)[0]


def _rare_term_candidates(counts: sparse.csr_matrix, rows: np.ndarray, *, min_shared: int, max_df: int) -> np.ndarray:
    """Pairs of ``rows`` sharing at least ``min_shared`` terms each found in at most ``max_df`` of ``rows``.

    Only where ``counts`` (rows x terms, no stored zeros) holds entries matters, not their values.
    """
    n = counts.shape[0]
    sub = counts[rows].tocsc()
    df = np.diff(sub.indptr)
    rare = np.flatnonzero((df >= 2) & (df <= max_df))
    if len(rare) == 0:
        return np.zeros(0, dtype=np.int64)
    post = sub[:, rare]  # CSC: for each rare term, the rows holding it, sorted
    members, indptr = rows[post.indices], post.indptr
    holders = np.diff(indptr)
    codes = []
    for lo, hi in _block_bounds(holders * (holders - 1) // 2):  # a block of terms at a time: bounds the temporaries
        term_of = np.repeat(np.arange(lo, hi), holders[lo:hi])
        left, right = _range_pairs(np.arange(indptr[lo], indptr[hi]) + 1, indptr[1:][term_of])
        a, c = members[indptr[lo] + left], members[right]  # left counts from the block's first holder
        codes.append(np.minimum(a, c).astype(np.int64) * n + np.maximum(a, c))
        del term_of, left, right, a, c
    codes = np.concatenate(codes)
    codes, shared = _sorted_unique(codes)
    return codes[shared >= min_shared]


#: Pairs made at once by the blockwise expansions (:func:`_block_bounds`): bounds their temporary arrays.
_PAIR_BLOCK = 1 << 20


def _block_bounds(sizes: np.ndarray) -> list[tuple[int, int]]:
    """Cut items of ``sizes`` into consecutive blocks ``(lo, hi)``, each under :data:`_PAIR_BLOCK` besides its first item."""
    block, ends = _PAIR_BLOCK, np.cumsum(sizes)
    cuts = np.searchsorted(ends, np.arange(block, ends[-1] if len(ends) else 0, block))
    bounds = np.unique(np.r_[0, cuts, len(sizes)])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _pair_products(x: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise dot products ``x[i[k]] . x[j[k]]`` and the number of columns both rows hold, in chunks to bound memory.

    ``x`` holds no zeros, so the columns in common are those of the elementwise product.
    """
    dots, common = np.empty(len(i)), np.empty(len(i), dtype=np.int64)
    for lo in range(0, len(i), chunk):
        hi = lo + chunk
        both = x[i[lo:hi]].multiply(x[j[lo:hi]]).tocsr()
        dots[lo:hi] = np.asarray(both.sum(axis=1)).ravel()
        common[lo:hi] = np.diff(both.indptr)
    return dots, common


def compute_passage_keys(sentences: pd.DataFrame) -> pd.DataFrame:
    """Compute what :func:`find_shared_passages` needs of each sentence, on its own: its keys.

    A sentence's keys depend on its text only, so they can be computed for any part of the
    corpus (a chunk of articles, in a worker process) and the parts concatenated:
    ``find_shared_passages(sentences, articles, keys=pd.concat(parts))`` gives the table that
    ``find_shared_passages(sentences, articles)`` gives.

    Parameters
    ----------
    sentences : pandas.DataFrame
        ``article_id``, ``sentence_id``, ``sentence`` (from :func:`corpus_tools.sentences`).

    Returns
    -------
    pandas.DataFrame
        One row per sentence, in the order of ``sentences``: ``article_id``, ``sentence_id``,
        ``normalised`` (:func:`normalise_sentence`), ``terms`` (its content terms, sorted, each
        once per occurrence, joined by ``"\\x1f"``: a string column, which Parquet stores as
        it is), ``lsh_0`` ... ``lsh_<LSH_BANDS - 1>`` (uint64: its MinHash + LSH bucket in each
        band; 0 without terms).

    Examples
    --------
    >>> sents = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "sentence": ["Talks resumed in Geneva, talks said."]})
    >>> keys = compute_passage_keys(sents)
    >>> keys.loc[0, "normalised"], keys.loc[0, "terms"].split("\\x1f")
    ('talks resumed in geneva talks said', ['geneva', 'resume', 'say', 'talk', 'talk'])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = sentences["sentence"].to_numpy(dtype=object)
    counts, vocab = _content_terms(texts)
    repeats = counts.data.astype(np.int64)
    offsets = np.r_[0, np.cumsum(np.asarray(counts.sum(axis=1), dtype=np.int64).ravel())].astype(np.int32)
    flat = pc.take(pa.array(vocab, type=pa.string()), pa.array(np.repeat(counts.indices, repeats)))
    if any(_TERM_SEPARATOR in t for t in vocab):
        raise ValueError(f"compute_passage_keys: a content term holds the separator {_TERM_SEPARATOR!r}")
    terms = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat), _TERM_SEPARATOR)
    bands = _band_keys(counts, vocab)
    return pd.DataFrame({"article_id": sentences["article_id"].reset_index(drop=True),
                        "sentence_id": sentences["sentence_id"].reset_index(drop=True),
                        "normalised": pd.Series([normalise_sentence(t) for t in texts], dtype="str"),
                        "terms": terms.to_pandas(),
                        **{f"lsh_{b}": bands[b] for b in range(LSH_BANDS)}})


def _representatives(texts: pd.Series, text_codes: np.ndarray, text_values: pd.Index, keys: pd.DataFrame | None):
    """One representative per normalised text: each sentence's, and their content terms and LSH buckets.

    ``texts`` are the sentences in (article, sentence) order, factorised as ``text_codes`` of
    ``text_values``, and ``keys`` their :func:`compute_passage_keys` in the same order (None: computed
    here, once per distinct text, and for the representatives only). Representatives are
    numbered by first appearance and take the terms of their first copy. Returns ``rep`` (per
    sentence), the representatives' term counts (CSR, columns in sorted term order) and their
    buckets (bands x representatives).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if keys is None:
        # numbered by first appearance, as pd.factorize numbers them
        normalised = pc.dictionary_encode(_normalise_all(pa.array(text_values))).indices.to_numpy(zero_copy_only=False)
        rep = pd.factorize(normalised[text_codes])[0]
    else:
        rep = pd.factorize(keys["normalised"])[0]
    first = np.flatnonzero(rep > np.r_[-1, np.maximum.accumulate(rep)[:-1]])  # codes follow first appearance
    if keys is None:
        # the representatives' texts stay in Arrow: no Python string per sentence
        counts, vocab = _content_terms(pa.chunked_array([pa.array(texts)]).combine_chunks().take(pa.array(first)))
        return rep, counts, _band_keys(counts, vocab)
    terms = pc.split_pattern(pa.chunked_array([pa.array(keys["terms"])]).combine_chunks().take(pa.array(first)), _TERM_SEPARATOR)
    flat = pc.list_flatten(terms)
    rows = np.repeat(np.arange(len(first)), pc.list_value_length(terms).to_numpy(zero_copy_only=False))
    present = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)  # a sentence without terms has one empty string
    encoded = pc.dictionary_encode(flat.filter(pa.array(present)))
    column = pc.rank(encoded.dictionary, sort_keys="ascending", tiebreaker="first").to_numpy().astype(np.int64) - 1
    counts = sparse.csr_matrix((np.ones(int(present.sum())), (rows[present], column[encoded.indices.to_numpy(zero_copy_only=False)])),
                               shape=(len(first), len(encoded.dictionary)))
    counts.sum_duplicates()
    counts.sort_indices()
    bands = np.stack([keys[f"lsh_{b}"].to_numpy(dtype=np.uint64)[first] for b in range(LSH_BANDS)])
    return rep, counts, bands


def _check_keys(sentences: pd.DataFrame, keys: pd.DataFrame) -> None:
    """Raise a ValueError unless ``keys`` are :func:`compute_passage_keys` rows of ``sentences``, in their order."""
    missing = [c for c in ("article_id", "sentence_id", "normalised", "terms", *[f"lsh_{b}" for b in range(LSH_BANDS)])
               if c not in keys.columns]
    if missing:
        raise ValueError(f"find_shared_passages: keys lacks {missing}; make them with compute_passage_keys(sentences)")
    if len(keys) != len(sentences) or not all(
            np.array_equal(keys[c].to_numpy(dtype=object), sentences[c].to_numpy(dtype=object)) for c in ("article_id", "sentence_id")):
        raise ValueError("find_shared_passages: keys are not the sentences' rows in their order; give compute_passage_keys(sentences)")


def find_shared_passages(
    sentences: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    min_shared: int = MIN_SHARED_TERMS,
    min_cosine: float = MIN_COSINE,
    max_df: int = 50,
    compact: bool = False,
    keys: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Find sentences that two groups (outlets) share: wire copy, the same quotation, a translated readout.

    See the module's counting rules: exact copies (after :func:`normalise_sentence`) are all
    found by hashing; near-duplicates through MinHash + LSH on the sentences' content terms;
    looser paraphrases through terms found in at most ``max_df`` sentences. Every pair is
    checked with the TF-IDF cosine it reports. The work grows linearly with the corpus, plus
    the pairs reported.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`corpus_tools.sentences`.
    articles : pandas.DataFrame
        For the grouping column.
    by : str, default "outlet"
        Column of ``articles``: pairs are only formed between different values of it.
    min_shared, min_cosine : see the module's counting rules.
    max_df : int, default 50
        Terms found in more distinct sentences than this do not make two sentences paraphrase
        candidates (exact and near-duplicates do not depend on it).
    compact : bool, default False
        Give the text columns (groups, articles, texts, kind) as categoricals: each sentence's
        text is held once however many pairs it is part of. Wire copy makes pairs grow with the square of the
        copies (5.2 million pairs, 1.4 GB of text as strings, on the 60 MB synthetic corpus of
        ``benchmarks/``); the stored table uses this. The values are the same.
    keys : pandas.DataFrame, optional
        The sentences' :func:`compute_passage_keys`, row for row in the order of ``sentences`` (for
        instance computed per chunk of articles in worker processes and concatenated): the
        per-sentence work is then not done again. The table is the same.

    Returns
    -------
    pandas.DataFrame
        One row per sentence pair, sorted by cosine descending (then by the columns left to
        right): ``<by>_a``, ``article_a``, ``sentence_a`` (id), ``text_a``, ``<by>_b``,
        ``article_b``, ``sentence_b``, ``text_b``, ``shared_terms`` (distinct content terms
        in common), ``cosine``, ``kind`` (``exact``, ``near``, ``quote`` or ``paraphrase``).

    Raises
    ------
    ValueError
        ``articles`` has no column ``by``, or ``keys`` are not the sentences' keys in their order.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Y"], "text": [
    ...     "Putin said the written answers ignored Russia's main security concerns.",
    ...     "Putin said: the written answers ignored Russia's main security concerns",
    ...     "Putin said that the written answers had ignored Russia's main security concerns."]})
    >>> import corpus_tools as ct
    >>> out = find_shared_passages(ct.sentences(arts), arts)
    >>> out[["article_a", "article_b", "shared_terms", "kind"]].values.tolist()
    [['a', 'b', 9, 'exact'], ['a', 'c', 9, 'near']]
    """
    cols = [f"{by}_a", "article_a", "sentence_a", "text_a", f"{by}_b", "article_b", "sentence_b", "text_b", "shared_terms", "cosine", "kind"]
    _require_column(articles, by, "find_shared_passages")
    if keys is not None:
        _check_keys(sentences, keys)
    # sentences in a fixed order (article, then sentence), not the records' order: every
    # numbering below follows it, so the output does not depend on how the corpus was stored
    s = sentences.reset_index(drop=True).sort_values(["article_id", "sentence_id"], kind="stable")
    if keys is not None:
        keys = keys.iloc[s.index.to_numpy()].reset_index(drop=True)
    s = s.reset_index(drop=True)
    if s.empty:
        return pd.DataFrame(columns=cols)
    meta = label_groups(articles, by).drop_duplicates("article_id").set_index("article_id")[by]
    group = s["article_id"].map(meta)
    if group.isna().any():  # sentences of articles the articles table lacks: label_groups' "unknown"
        group = group.astype(object).fillna("unknown")
    sid = s["sentence_id"].to_numpy(dtype=np.int64)
    gcode = pd.factorize(group, sort=True)[0]
    # sentences ranked by (group, article, sentence): a pair's side "a" is the lower one
    rank = np.empty(len(s), dtype=np.int32 if len(s) < 2**31 else np.int64)  # int32: gathered once per pair
    rank[np.lexsort((sid, pd.factorize(s["article_id"], sort=True)[0], gcode))] = np.arange(len(s))
    text_codes, text_values = pd.factorize(s["sentence"], sort=True)
    rep, counts, bands = _representatives(s["sentence"], text_codes, text_values, keys)
    # candidate pairs of representatives with enough terms each: near-duplicates share an LSH
    # bucket, paraphrases rare terms (codes i * n + j, i < j, sorted, unique)
    pairable = np.flatnonzero(np.diff(counts.indptr) >= max(min_shared, 1))
    near = _lsh_candidates(bands, pairable, counts.shape[0])
    del bands  # the largest per-representative array: gone before the next candidates are made
    candidates = np.concatenate([near, _rare_term_candidates(counts, pairable, min_shared=min_shared, max_df=max_df)])
    del near, pairable
    candidates = _sorted_unique(candidates, kind="stable")[0]  # two sorted runs: merged, not sorted again (50x faster)
    ri, rj, shared, cosine = _similar_representatives(rep, counts, candidates, gcode, min_shared=min_shared,
                                                      min_cosine=min_cosine)
    n_terms = np.diff(counts.indptr)
    del counts, candidates
    # what each pair reports comes from its source: candidate k < len(ri), or len(ri) + r for copies of representative r
    source_shared = np.concatenate([shared, n_terms]).astype(np.int64)
    source_cosine = np.concatenate([cosine, np.ones(len(n_terms))])
    a, b, source = _sentence_pairs(rep, gcode, rank, n_terms >= max(min_shared, 1), ri, rj, source_cosine)
    exact = source >= len(ri)
    shared, cosine = source_shared[source], source_cosine[source]
    del source
    quoted = np.r_[_quoted(text_values), False][text_codes]  # once per distinct text; a missing one (code -1) unquoted
    kind = _kind_codes(exact, cosine, quoted[a] & quoted[b])
    text = _categorical_taker(text_codes, text_values) if compact else _taker(s["sentence"], compact)
    article, group, kinds = (_taker(c, compact) for c in (s["article_id"], group, pd.Series(["exact", "near", "quote", "paraphrase"])))
    # one column at a time from the pairs' int32 positions: no per-pair string, no int64 copy of the positions
    columns = {f"{by}_a": group(a), "article_a": article(a), "sentence_a": sid[a], "text_a": text(a)}
    del a
    columns.update({f"{by}_b": group(b), "article_b": article(b), "sentence_b": sid[b], "text_b": text(b)})
    del b
    columns.update({"shared_terms": shared, "cosine": cosine, "kind": kinds(kind)})
    return pd.DataFrame(columns, columns=cols, copy=False)  # the columns are new already: copying them would double the peak


def _kind_codes(exact: np.ndarray, cosine: np.ndarray, both_quoted: np.ndarray) -> np.ndarray:
    """Each pair's kind as a position in ``("exact", "near", "quote", "paraphrase")`` (int8): the first that applies."""
    kind = np.full(len(exact), 3, dtype=np.int8)
    kind[both_quoted] = 2
    kind[cosine >= NEAR_COSINE] = 1
    kind[exact] = 0
    return kind


def _similar_representatives(rep: np.ndarray, counts: sparse.csr_matrix, candidates: np.ndarray, gcode: np.ndarray, *,
                             min_shared: int, min_cosine: float):
    """Pairs of representatives ``ri < rj`` that are shared passages, with their ``shared`` terms and ``cosine``.

    ``rep`` and ``counts`` are from :func:`_representatives`, ``candidates`` pair codes ``i * n + j``
    of representatives (sorted), ``gcode`` the sentences' group numbers. Pairs whose copies are all in one and the same group
    are left out; the others are kept by their cosine.
    """
    # TF-IDF as scikit-learn's TfidfVectorizer(sublinear_tf=True) over all sentences (copies included)
    n_rep = counts.shape[0]
    multiplicity = np.bincount(rep, minlength=n_rep)
    binary = counts.copy()
    binary.data[:] = 1.0
    df = np.asarray(binary.T @ multiplicity, dtype=float).ravel()
    del binary
    idf = np.log((1 + len(rep)) / (1 + df)) + 1
    tfidf = counts.copy()
    tfidf.data = (1 + np.log(tfidf.data)) * idf[tfidf.indices]
    norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).ravel())
    tfidf.data /= np.repeat(np.where(norms > 0, norms, 1), np.diff(tfidf.indptr))
    ri, rj = candidates // n_rep, candidates % n_rep
    # a representative whose copies are all in one group: its group number, else -1
    g_min, g_max = np.full(n_rep, gcode.max() + 1), np.full(n_rep, -1)
    np.minimum.at(g_min, rep, gcode)
    np.maximum.at(g_max, rep, gcode)
    one_group = np.where(g_min == g_max, g_min, -1)
    keep = (one_group[ri] < 0) | (one_group[rj] < 0) | (one_group[ri] != one_group[rj])
    ri, rj = ri[keep], rj[keep]
    cosine, shared = _pair_products(tfidf, ri, rj)
    cosine = np.minimum(cosine, 1.0)
    keep = (shared >= min_shared) & (cosine >= min_cosine)
    return ri[keep], rj[keep], shared[keep], cosine[keep]


def _sentence_pairs(rep: np.ndarray, gcode: np.ndarray, rank: np.ndarray, eligible: np.ndarray, ri: np.ndarray, rj: np.ndarray,
                    source_cosine: np.ndarray):
    """The shared passages as positions ``a``, ``b`` (``rank[a] < rank[b]``) and each pair's ``source``, in output order.

    ``rep`` are the sentences' representatives (:func:`_representatives`), ``gcode`` their group
    numbers, ``rank`` their output order; ``eligible`` the representatives with enough terms to
    pair, ``ri``, ``rj`` the pairs of representatives found similar. A pair's source is ``k`` for
    a pair of copies of ``ri[k]`` and ``rj[k]``, and ``len(ri) + r`` for two copies of
    representative ``r``; ``source_cosine`` is each source's cosine. Positions and sources are
    int32 (int64 past 2**31 sentences); the pairs come sorted by cosine descending, then
    ``rank[a]``, then ``rank[b]``.
    """
    index = np.int32 if len(rep) < 2**31 and len(source_cosine) < 2**31 else np.int64
    multiplicity = np.bincount(rep, minlength=len(eligible))
    # copies of each representative, sorted by (representative, group): each copy meets the
    # copies of the same text in the groups after its own
    by_rep = np.lexsort((gcode, rep)).astype(index)
    rep_sorted = rep[by_rep]
    group_end = _run_ends(rep_sorted.astype(np.int64) * (gcode.max() + 1) + gcode[by_rep])
    copies = eligible[rep_sorted]
    left, right = _range_pairs(np.where(copies, group_end, 0), np.where(copies, _run_ends(rep_sorted), 0))
    del group_end, copies
    a_parts, b_parts = [by_rep[left]], [by_rep[right]]
    source_parts = [(len(ri) + rep_sorted[left]).astype(index)]
    del left, right, rep_sorted
    # every copy of one representative with every copy of the other, in different groups, a block at a time
    rep_start = np.r_[0, np.cumsum(multiplicity)]
    sizes = multiplicity[ri] * multiplicity[rj]
    for lo, hi in _block_bounds(sizes):
        nb, size = multiplicity[rj[lo:hi]], sizes[lo:hi]
        pair_of = np.repeat(np.arange(hi - lo), size)
        k = np.arange(len(pair_of)) - np.repeat(np.cumsum(size) - size, size)
        pi = by_rep[rep_start[ri[lo:hi][pair_of]] + k // nb[pair_of]]
        pj = by_rep[rep_start[rj[lo:hi][pair_of]] + k % nb[pair_of]]
        cross = gcode[pi] != gcode[pj]
        a_parts.append(pi[cross])
        b_parts.append(pj[cross])
        source_parts.append((lo + pair_of[cross]).astype(index))
        del pair_of, k, pi, pj, cross
    a = np.concatenate(a_parts)  # one at a time, each list freed once joined
    del a_parts
    b = np.concatenate(b_parts)
    del b_parts
    source = np.concatenate(source_parts)
    del source_parts
    swap = rank[a] > rank[b]
    a[swap], b[swap] = b[swap], a[swap]
    # each source's cosine as its place among the distinct cosines, descending
    levels = np.unique(-source_cosine)
    order = _pair_order(np.searchsorted(levels, -source_cosine)[source], len(levels), rank, a, b)  # 2x faster than return_inverse
    a = a[order]  # one at a time: each unsorted copy freed as the sorted one is made
    b = b[order]
    return a, b, source[order]


def _pair_order(level: np.ndarray, n_levels: int, rank: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The order of pairs ``(a, b)`` by ``level``, then ``rank[a]``, then ``rank[b]`` (levels below ``n_levels``).

    The three keys are packed into one int64 when they fit: one sort instead of three, built
    in place in ``level`` (int64, consumed). The pairs are distinct, so there are no ties to break.
    """
    n = len(rank)
    if n_levels * float(n) * float(n) >= 2**63:
        return np.lexsort((rank[b], rank[a], level))
    key = level
    key *= n
    key += rank[a]
    key *= n
    key += rank[b]
    return np.argsort(key)


def _quoted(texts) -> np.ndarray:
    """Whether each text (strings, or an index of them) holds a double quote mark (straight or curly)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), '["\u201c\u201d]')  # one pass, not one a mark
    return np.asarray(found.fill_null(False), dtype=bool)


def _categorical_taker(codes: np.ndarray, categories: pd.Index):
    """A function giving the values at positions of a column factorised as ``codes`` of sorted ``categories``, as a categorical."""
    if categories.dtype == object:  # strings in an object column (groups with "unknown" filled in) are str categories
        categories = pd.Index(categories.to_numpy())
    dtype = pd.CategoricalDtype(categories)
    # codes in the categorical's own integer type: taking them makes the column's codes, not an int64 array to narrow
    codes = codes.astype(pd.Categorical.from_codes([], dtype=dtype).codes.dtype)
    return lambda idx: pd.Series(pd.Categorical.from_codes(codes[idx], dtype=dtype))


def _taker(column: pd.Series, compact: bool):
    """A function giving ``column``'s values at positions, index reset.

    When ``compact``, as a categorical of its distinct values (sorted, so the categories do not
    depend on the row order); else as they are (text stays in Arrow; no Python strings made).
    """
    if compact:
        return _categorical_taker(*pd.factorize(column, sort=True))

    def take(idx: np.ndarray) -> pd.Series:
        out = column.take(idx).reset_index(drop=True)
        return pd.Series(out.to_numpy()) if out.dtype == object else out  # infer str, as a table built from rows would

    return take


def _may_match(pattern: str, texts: list[str]) -> list[int] | range:
    """Positions of the texts that may match an agency pattern: those holding one of its hints (all without hints)."""
    hints = _PATTERN_HINTS.get(pattern)
    if hints is None:
        return range(len(texts))
    found = set()
    for h in hints:
        found.update([k for k, text in enumerate(texts) if h in text])
    return sorted(found)


def _credit_audit(articles: pd.DataFrame) -> pd.DataFrame:
    """The cleaning audit of the articles whose removed lines may hold an agency credit.

    Every audit line is a line of the article's raw text, so an article whose raw text holds
    no hint of any pattern (:data:`_PATTERN_HINTS`) has no line to find: it is not cleaned again.
    """
    if any(p not in _PATTERN_HINTS for p in AGENCY_PATTERNS.values()):
        return cleaning_audit(articles)
    raw = articles["raw_text"].tolist()
    keep = sorted({k for p in AGENCY_PATTERNS.values() for k in _may_match(p, raw)})
    return cleaning_audit(articles.iloc[keep])


def find_agency_credits(articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Find news-agency credits in each article's removed lines and text.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table (``article_id``, ``text``, the cleaning audit's columns and ``by``).
    by : str, default "outlet"
        Group column copied next to ``article_id``. The manifest's ``outlet`` and
        ``evidence`` cells are searched whatever ``by`` is.

    Returns
    -------
    pandas.DataFrame
        One row per article and agency found: ``article_id``, ``<by>``, ``agency``,
        ``where`` (``removed line``, ``text``, ``manifest outlet`` or ``manifest evidence``),
        ``evidence`` (the line, a snippet around the match, or the manifest cell). Articles
        with no credit do not appear.

    Raises
    ------
    ValueError
        ``articles`` has no column ``by``.
    """
    _require_column(articles, by, "find_agency_credits")
    audit = _credit_audit(articles)
    groups = articles.set_index("article_id")[by]
    ids, texts = articles["article_id"].tolist(), articles["text"].tolist()
    audit_ids, lines = audit["article_id"].tolist(), audit["text"].tolist()
    cells = {col: articles[col].tolist() for col in ("outlet", "evidence") if col in articles.columns}
    rows = []
    for agency, pattern in AGENCY_PATTERNS.items():
        regex = re.compile(pattern, re.MULTILINE)
        for k in _may_match(pattern, lines):
            if regex.search(lines[k]):
                rows.append({"article_id": audit_ids[k], "agency": agency, "where": "removed line", "evidence": lines[k]})
        for k in _may_match(pattern, texts):
            m = regex.search(texts[k])
            if m:
                rows.append({"article_id": ids[k], "agency": agency, "where": "text",
                             "evidence": texts[k][max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")})
        for col, values in cells.items():  # manifest cells: evidence whatever the grouping
            strings = [v if isinstance(v, str) else "" for v in values]
            for k in _may_match(pattern, strings):
                if isinstance(values[k], str) and regex.search(values[k]):
                    rows.append({"article_id": ids[k], "agency": agency, "where": f"manifest {col}", "evidence": values[k]})
    out = pd.DataFrame(rows, columns=["article_id", "agency", "where", "evidence"])
    if by in out.columns:
        raise ValueError(f"find_agency_credits: by={by!r} clashes with an output column; group by another column")
    out.insert(1, by, out["article_id"].map(groups))
    return out.drop_duplicates(["article_id", "agency", "where"]).sort_values(["article_id", "agency", "where"]).reset_index(drop=True)


def summarise_groups(
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    counts: pd.DataFrame | None = None,
    sentiment: pd.DataFrame | None = None,
    stance: pd.DataFrame | None = None,
    voices: pd.DataFrame | None = None,
    prominence: pd.DataFrame | None = None,
    keyness: pd.DataFrame | None = None,
    credits: pd.DataFrame | None = None,
    n_key_terms: int = 5,
    unit: str = "sentence",
) -> pd.DataFrame:
    """Summarise each group's results from the other notebooks in one long table.

    Every argument is the output of the function that makes it (``describe.count_sentences``,
    ``sentiment.summarise_sentiment``, ``stance.summarise_stance``, ``quotes.summarise_voices``,
    ``actors.count_mentions``, ``terms.compute_keyness``, :func:`find_agency_credits`), grouped by
    the same ``by``; any can be left out.

    Parameters
    ----------
    articles : pandas.DataFrame
        The articles table: every group gets its number of articles (and of machine-translated
        ones when the table says).
    by : str, default "outlet"
        The group column, in ``articles`` and in every table passed; names the first output column.
    counts, sentiment, stance, voices, prominence, keyness, credits : pandas.DataFrame, optional
        The per-group tables listed above.
    n_key_terms : int, default 5
        Key terms listed per group: those with a Benjamini-Hochberg ``q`` below 0.10 (the
        keyness figure's rule), or the top ones when no permutation test was run.
    unit : {"sentence", "article"}, default "sentence"
        What the sentiment intervals resampled (``uncertainty.unit``): the ``n`` of a
        sentiment estimate is the group's sentences or articles.

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``section``, ``measure``, ``value``, ``low``, ``high`` (NaN where an
        interval does not apply), ``n`` (the units the interval resamples: sentences or
        articles for sentiment, targets for stance, the group's quotations of every camp for
        voice shares; NaN elsewhere), ``text`` (for non-numeric results such as key terms and
        agency credits), sorted by group, section and measure.

    Raises
    ------
    ValueError
        ``articles``, or one of the tables passed, has no column ``by``.

    Examples
    --------
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "country": ["FR", "FR", "IR"]})
    >>> summarise_groups(arts, by="country")[["country", "measure", "value"]].values.tolist()
    [['FR', 'articles', 2], ['IR', 'articles', 1]]
    """
    rows: list[dict] = []

    def add(group, section, measure, value=np.nan, low=np.nan, high=np.nan, text="", n=np.nan):
        rows.append({by: group, "section": section, "measure": measure, "value": value, "low": low, "high": high, "n": n,
                     "text": text})

    def records(table: pd.DataFrame, name: str) -> list[dict]:
        _require_column(table, by, "summarise_groups", name)
        return table.to_dict("records")

    extra = tuple(c for c in ("machine_translated",) if c in articles.columns and c != by)
    meta = _groups(articles, by, "summarise_groups", extra=extra)
    for group, part in meta.groupby(by, sort=True):
        add(group, "corpus", "articles", len(part))
        if "machine_translated" in part and part["machine_translated"].notna().any():
            add(group, "corpus", "machine-translated articles", int(part["machine_translated"].fillna(False).astype(bool).sum()))
    if counts is not None:
        for r in records(counts, "counts"):
            add(r[by], "corpus", "sentences", r["sentences"])
            add(r[by], "corpus", "words", r["words"])
    if sentiment is not None:
        for r in records(sentiment, "sentiment"):
            n = r[f"n_{unit}s"]
            add(r[by], "sentiment", f"mean sentence score ({r['scorer']})", r["mean"], r["mean_low"], r["mean_high"], n=n)
            add(r[by], "sentiment", f"share of negative sentences ({r['scorer']})", r["share_negative"],
                r["share_negative_low"], r["share_negative_high"], n=n)
    if stance is not None:
        for r in records(stance, "stance"):
            add(r[by], "stance", f"net stance toward {r['group']}", r["net"], r["net_low"], r["net_high"], n=r["n"])
    if voices is not None:
        for r in records(voices, "voices"):
            add(r[by], "voice", f"share of quoted words: {r['voice_group']}", r["share"], r["share_low"], r["share_high"],
                n=r["quotes_total"])
    if prominence is not None:
        for r in records(prominence, "prominence"):
            add(r[by], "prominence", f"mentions of {r['group']} per 1,000 words", r["per_1000_words"])
    if keyness is not None:
        _require_column(keyness, by, "summarise_groups", "keyness")
        for group, part in keyness.groupby(by, sort=True):
            significant = part[part["q"] < 0.10] if part["q"].notna().any() else part
            add(group, "terms", "key terms (BH q < 0.10)", text=", ".join(significant["term"].head(n_key_terms)))
    if credits is not None:
        _require_column(credits, by, "summarise_groups", "credits")
        for group, part in credits.groupby(by, sort=True):
            add(group, "sources", "agency credits", text=", ".join(sorted(part["agency"].unique())))
    if unit not in ("sentence", "article"):
        raise ValueError(f"unit must be 'sentence' or 'article', got {unit!r}")
    out = pd.DataFrame(rows, columns=[by, "section", "measure", "value", "low", "high", "n", "text"])
    out["n"] = out["n"].astype("Int64")
    return out.sort_values([by, "section", "measure"], kind="stable").reset_index(drop=True)


def count_shared(passages: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Count shared passages for every pair of groups (symmetric, zeros included, diagonal NaN).

    Parameters
    ----------
    passages : pandas.DataFrame
        From :func:`find_shared_passages` with the same ``by`` (``<by>_a``, ``<by>_b``).
    articles : pandas.DataFrame
        For the list of groups (a group sharing nothing still gets its zeros).
    by : str, default "outlet"
        Column of ``articles`` whose values are the groups; names the output columns.

    Returns
    -------
    pandas.DataFrame
        ``<by>_a``, ``<by>_b``, ``passages``.

    Raises
    ------
    ValueError
        ``articles`` has no column ``by``, or ``passages`` no ``<by>_a`` / ``<by>_b``.
    """
    for side in (f"{by}_a", f"{by}_b"):
        if side not in passages.columns:
            raise ValueError(f"count_shared: the passages table has no column {side!r} (by={by!r}); "
                             f"make it with find_shared_passages(..., by={by!r})")
    names = sorted(_groups(articles, by, "count_shared")[by].unique())
    # one pass over the passages (a wire-copy table can hold millions of rows), both directions
    pairs = pd.concat([passages[[f"{by}_a", f"{by}_b"]],
                       passages[[f"{by}_b", f"{by}_a"]].set_axis([f"{by}_a", f"{by}_b"], axis=1)], ignore_index=True)
    tally = pairs.value_counts().to_dict()
    rows = [{f"{by}_a": a, f"{by}_b": b, "passages": np.nan if a == b else float(tally.get((a, b), 0))}
            for a in names for b in names]
    return pd.DataFrame(rows)


# Old names, kept as aliases
similarity_matrix = measure_similarity
shared_passages = find_shared_passages
agency_credits = find_agency_credits
outlet_summary = summarise_groups
shared_counts = count_shared
