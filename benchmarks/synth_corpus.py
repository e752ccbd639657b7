"""Build a synthetic news corpus of *distinct* sentences, with planted wire copy and a record of it.

Why not resample the seeds' paragraphs (``bench_pipeline.build_corpus``)? That corpus repeats a
few hundred sentences tens of thousands of times (0.3% distinct at 10 MB, see the performance
review of 2026-11-23), so caches always hit and every sentence has copies in every outlet. This
generator follows the review's ``gen_corpus.py``:

* **Text.** An order-2 word Markov chain trained on the NewsMTSC sentences shipped in the package
  (train + devtest, 8,479 real news sentences) plus the seed articles weighted x20, so the
  story's actors are mentioned. Each chain walk is a new sentence (about 85% of sentences are
  distinct before any copy is planted).
* **Vocabulary growth.** 3% of capitalised tokens become a synthetic name, 1% of long lower-case
  tokens a synthetic word, both drawn from Zipf-distributed lists, so the vocabulary keeps
  growing with the corpus.
* **Outlets and size.** ``n_outlets`` outlets; articles of 2-6 sentences in 1-2 paragraphs
  (about 600 bytes), until the texts hold ``megabytes`` of UTF-8.
* **Planted copies**, each one a sentence of an earlier article written again into a later
  article, rates per sentence slot:

  ========== ====== ===================================================================
  kind       rate   what is written
  ========== ====== ===================================================================
  exact      4%     the sentence verbatim, in an article of another outlet
  normalised 1%     the sentence with other quote marks or dashes, a doubled space, or
                    no final full stop, in another outlet (equal once normalised)
  near       4%     the sentence with 1-3 word edits (substitution, deletion, insertion),
                    in another outlet
  same-group 1%     the sentence verbatim, in another article of the *same* outlet
  ========== ====== ===================================================================

  A copied sentence may itself be a copy, so copies form clusters, as wire copy does.

Deterministic: ``random.Random(seed)`` drives everything.

    python benchmarks/synth_corpus.py --mb 1     # prints the corpus's shape
"""

from __future__ import annotations

import argparse
import json
import random
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

import pandas as pd

import corpus_tools as ct
from corpus_tools.paths import DATA_DIR, SEEDS_DIR

BOS, EOS = "\x02", "\x03"
RATES = {"exact": 0.04, "normalised": 0.01, "near": 0.04, "same-group": 0.01}
_SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "dor", "tu", "sel", "an", "bri", "gov", "ne", "sha", "pol", "rin", "ta",
              "mar", "ek", "zu", "hol", "vi", "dra", "mon", "ste", "qu", "ber", "li", "os", "tan", "fe"]


def _training_sentences() -> list[str]:
    out = []
    for name in ("train.jsonl", "devtest_mt.jsonl"):
        with open(DATA_DIR / "newsmtsc" / name, encoding="utf-8") as fh:
            out.extend(json.loads(line)["sentence_normalized"] for line in fh if line.strip())
    seeds = ct.load_corpus(SEEDS_DIR, exclude=["labels"], progress=False)
    seed_sents = ct.sentences(seeds, progress=False)["sentence"].tolist()
    return out + seed_sents * 20


def _chain(sentences: list[str]) -> dict[tuple[str, str], list[str]]:
    chain: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in sentences:
        words = [BOS, BOS, *s.split(), EOS]
        for a, b, c in zip(words, words[1:], words[2:]):
            chain[(a, b)].append(c)
    return dict(chain)


def _zipf_list(rng: random.Random, n: int, capitalise: bool) -> tuple[list[str], list[float]]:
    words = set()
    while len(words) < n:
        w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        words.add(w.capitalize() if capitalise else w)
    words = sorted(words)
    rng.shuffle(words)
    return words, list(accumulate(1.0 / (r + 1) for r in range(n)))


@dataclass
class Corpus:
    """The articles table and what was planted in it."""

    articles: pd.DataFrame
    #: One row per planted copy: ``kind``, ``src_article``, ``src_text``, ``dst_article``, ``dst_text``.
    planted: pd.DataFrame
    stats: dict = field(default_factory=dict)


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        training = _training_sentences()
        self.chain = _chain(training)
        self.pool = [w.strip(".,;:!?\"“”") for s in training[:9000] for w in s.split()]  # substitutes for near copies
        self.pool = [w for w in self.pool if w]
        self.names, self.name_cum = _zipf_list(self.rng, 20_000, True)
        self.words, self.word_cum = _zipf_list(self.rng, 20_000, False)

    def _zipf(self, items, cum):
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def sentence(self) -> str:
        rng, chain = self.rng, self.chain
        while True:
            a, b, out = BOS, BOS, []
            while len(out) < 60:
                c = rng.choice(chain[(a, b)])
                if c == EOS:
                    break
                out.append(c)
                a, b = b, c
            if len(out) >= 6:
                break
        for i, w in enumerate(out):
            if w[:1].isupper() and i > 0 and w.isalpha() and rng.random() < 0.03:
                out[i] = self._zipf(self.names, self.name_cum)
            elif w.isalpha() and w.islower() and len(w) > 6 and rng.random() < 0.01:
                out[i] = self._zipf(self.words, self.word_cum)
        text = " ".join(out)
        return text if text[-1] in ".!?\"”" else text + "."

    def near_copy(self, text: str) -> str:
        rng = self.rng
        words = text.split()
        for _ in range(rng.randint(1, 3)):
            op, i = rng.random(), rng.randrange(len(words))
            if op < 0.6:  # substitute a word (keep a final full stop)
                end = "." if words[i].endswith(".") else ""
                words[i] = rng.choice(self.pool) + end
            elif op < 0.8 and len(words) > 6 and i < len(words) - 1:
                del words[i]
            else:
                words.insert(min(i, len(words) - 1), self._zipf(self.words, self.word_cum))
        return " ".join(w for w in words if w)

    def normalised_copy(self, text: str) -> str:
        rng = self.rng
        options = []
        if any(q in text for q in "“”\""):
            options.append(lambda t: t.replace("“", '"').replace("”", '"') if "“" in t or "”" in t
                           else t.replace('"', "“", 1).replace('"', "”", 1))
        if " – " in text or " - " in text:
            options.append(lambda t: t.replace(" – ", " - ") if " – " in t else t.replace(" - ", " – "))
        if text.endswith("."):
            options.append(lambda t: t[:-1])
        options.append(lambda t: t.replace(" ", "  ", 1))
        return rng.choice(options)(text)


def make_corpus(megabytes: float, *, seed: int = 0, n_outlets: int = 10, rates: dict | None = None) -> Corpus:
    """Generate about ``megabytes`` MB of articles (see the module docstring).

    Returns
    -------
    Corpus
        ``articles`` (``article_id``, ``outlet``, ``text``, plus the columns ``load_corpus`` adds
        that other steps read: ``raw_text``, ``title``), ``planted`` (one row per planted copy)
        and ``stats``.
    """
    rates = {**RATES, **(rates or {})}
    gen = _Generator(seed)
    rng = gen.rng
    thresholds = list(accumulate(rates[k] for k in ("exact", "normalised", "near", "same-group")))
    emitted: list[tuple[int, str]] = []  # (article index, sentence), every sentence written so far
    article_outlet: list[int] = []
    texts: list[str] = []
    planted: list[tuple] = []
    total = 0
    budget = megabytes * 1e6
    while total < budget:
        a = len(texts)
        outlet = rng.randrange(n_outlets)
        article_outlet.append(outlet)
        n_sent = rng.randint(2, 6)
        sents = []
        for _ in range(n_sent):
            r = rng.random()
            kinds = zip(("exact", "normalised", "near", "same-group"), thresholds)
            kind = None if len(emitted) < 200 else next((k for k, t in kinds if r < t), None)
            if kind is None:
                sents.append(gen.sentence())
                continue
            for _ in range(50):  # a source sentence in another outlet (or the same one, for same-group)
                src_a, src = emitted[rng.randrange(len(emitted))]
                if (article_outlet[src_a] == outlet) == (kind == "same-group") and src_a != a:
                    break
            else:
                sents.append(gen.sentence())
                continue
            text = {"exact": src, "same-group": src, "normalised": gen.normalised_copy(src) if kind == "normalised" else src,
                    "near": gen.near_copy(src) if kind == "near" else src}[kind]
            planted.append((kind, src_a, src, a, text))
            sents.append(text)
        split = rng.randint(1, n_sent) if n_sent > 2 and rng.random() < 0.5 else n_sent
        body = " ".join(sents[:split]) + ("\n\n" + " ".join(sents[split:]) if split < n_sent else "")
        texts.append(body)
        emitted.extend((a, s) for s in sents)
        total += len(body.encode("utf-8"))
    ids = [f"art_{i:06d}" for i in range(len(texts))]
    articles = pd.DataFrame({"article_id": ids, "outlet": [f"outlet {o}" for o in article_outlet], "text": texts})
    articles = articles.assign(raw_text=articles["text"], title="", path=articles["article_id"] + ".txt", title_from="column")
    plant = pd.DataFrame(planted, columns=["kind", "src_article", "src_text", "dst_article", "dst_text"])
    plant["src_article"] = [ids[i] for i in plant["src_article"]]
    plant["dst_article"] = [ids[i] for i in plant["dst_article"]]
    stats = {"megabytes": total / 1e6, "articles": len(texts), "planted": plant["kind"].value_counts().to_dict()}
    return Corpus(articles, plant, stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = make_corpus(args.mb, seed=args.seed)
    sents = ct.sentences(corpus.articles, progress=False)
    distinct = sents["sentence"].nunique()
    print(f"{corpus.stats['megabytes']:.2f} MB, {corpus.stats['articles']:,} articles, {len(sents):,} sentences "
          f"({distinct:,} distinct, {distinct / len(sents):.1%}); planted: {corpus.stats['planted']}")


if __name__ == "__main__":
    main()
