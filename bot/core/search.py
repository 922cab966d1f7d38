"""Full-text search terms for Korean without a segmenter.

SQLite's unicode61 tokenizer keeps a run of Hangul as one token, and the trigram
tokenizer cannot match words shorter than three characters. So the text is split before
it is indexed: each word is kept whole, and every run of Hangul syllables also gives all
its pieces of two syllables or more (카페 from 일자리카페, 일자리 from 일자리창출). A query
word of two syllables or more then matches as one token, with Datasette's search box,
`sqlite-utils search` or plain `MATCH`, whatever the particles around it.
"""

from __future__ import annotations

import re

MAX_PIECE = 12  # syllables: longer query words are rare; they can be split by the user
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
_WORD = re.compile(r"\w+")


def terms(text: str) -> str:
    """The text as indexed: its words, then the Hangul pieces, separated by spaces."""
    words = _WORD.findall(text)
    seen: set[str] = set()
    out: list[str] = []
    for word in words:
        for piece in (word, *_pieces(word)):
            if piece not in seen:
                seen.add(piece)
                out.append(piece)
    return " ".join(out)


def _pieces(word: str):
    for run in _HANGUL.findall(word):
        size = len(run)
        for n in range(2, min(size, MAX_PIECE) + 1):
            for start in range(size - n + 1):
                yield run[start:start + n]


FTS_SQL = ("CREATE VIRTUAL TABLE search_fts USING fts5(terms, "
           "tokenize = 'unicode61 remove_diacritics 0')")
