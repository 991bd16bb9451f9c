"""Write a folder of junk articles aimed at some real ones: the flood newsbot must survive.

    python -m benchmarks.flood.make_junk OUT_DIR [--aim DIR_OR_FILE ...] [--copies N]
    newsbot ingest REAL_DIR OUT_DIR      # then ask about the real articles

Six shapes, each a file per article (plain text with a small header, as `newsbot ingest`
reads it): one word repeated (2 MB), one paragraph repeated, keyword stuffing built from the
aimed articles' own headline words, cookie-wall and navigation boilerplate, many
near-identical copies of one press release (a figure changed in each), and a huge article
whose only real content is one paragraph among pages of filler. ``--aim`` points at the
real articles (their titles give the stuffing its words); without it a generic topic is
used. Nothing here is random beyond ``--seed``: the same arguments write the same folder.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOP = frozenset("""that this with from after over into about their there they have were
will would could says said than then what when where which while more most other some such
only also been being your""".split())

FILLER = ("Click here to read more stories like this one. Our newsroom brings you the latest "
          "updates every hour of every day, and our partners bring you offers you will love. ")
PRESS = ("FOR IMMEDIATE RELEASE. Harborline Logistics today announced record quarterly volume "
         "of {n} thousand containers handled across its terminals, its chief executive said "
         "the company remained committed to customers, partners and communities. Harborline "
         "Logistics is a leading provider of integrated supply chain solutions. Media "
         "contact: press@harborline.example. ")
COOKIE = """Skip to main content
Home | News | World | Business | Sport | Culture | Video | Weather
We value your privacy. We and our partners use cookies to store and access information on
your device. By clicking Accept all you consent to our use of cookies. You can manage
preferences or reject all at any time. Read our cookie policy and privacy policy.
Accept all
Reject all
Manage preferences
Subscribe to our newsletter
Sign in
Follow us
Terms of use
Contact us
About us
All rights reserved. Copyright 2024.
"""


def headline_words(paths: list[Path]) -> list[str]:
    """Distinctive words of the aimed articles' titles (a "Title:" header, a markdown
    heading or front matter "title:", a JSON "title" field)."""
    words: list[str] = []
    for root in paths:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for f in files:
            if not f.is_file():
                continue
            text = f.read_text(encoding="utf-8", errors="replace")
            for m in re.finditer(r'(?im)^(?:title:\s*|#\s+)(.+)$|"title":\s*"([^"]+)"', text):
                title = m.group(1) or m.group(2) or ""
                words.extend(w for w in _WORD.findall(title) if w.lower() not in _STOP)
    return list(dict.fromkeys(words)) or ["harbour", "strike", "council", "tram", "storm"]


def junk(aim_words: list[str], copies: int = 8, seed: int = 7) -> dict[str, str]:
    """File name -> file text of every junk article."""
    rng = random.Random(seed)
    out: dict[str, str] = {}

    def doc(name: str, title: str, body: str) -> None:
        out[name] = f"Title: {title}\nSource: Flood\nPublished: 2024-09-20\n\n{body}\n"

    doc("repeated-word.txt", "word", ("word " * 400_000).strip())
    para = ("Breaking news and the latest updates on " + " ".join(aim_words[:6]) +
            " from our team of reporters around the world, all day, every day. ")
    doc("repeated-paragraph.txt", " ".join(aim_words[:4]), para * 300)
    doc("repeated-paragraph-long.txt", "Latest updates",
        "".join(FILLER + para for _ in range(150)))
    for i in range(3):
        # One story's names and words, over and over, in sentence-like bits.
        words = (aim_words[i * 4 :] + aim_words)[:8]
        lines = []
        for _ in range(120):
            rng.shuffle(words)
            k = rng.randint(3, 6)
            lines.append(" ".join(words[:k]).capitalize() + rng.choice([".", " news.", "!"]))
        doc(f"keyword-stuffing-{i}.txt", " ".join(aim_words[i : i + 5]), " ".join(lines))
    doc("cookie-wall.txt", "Before you continue", COOKIE)
    doc("navigation.txt", "Sections", COOKIE.replace("\n", "\n" * 2) * 6)
    for i in range(copies):
        doc(f"press-copy-{i:02d}.txt", "Harborline Logistics announces record volume",
            PRESS.format(n=400 + i))
    real = ("Harborline Logistics said on Thursday that its new terminal in Westhaven will "
            "open in March and employ about 600 people, the company's first expansion in "
            "a decade. ")
    doc("huge-one-paragraph.txt", "Harborline opens Westhaven terminal",
        real + "\n\n" + (FILLER + "\n\n") * 6000)
    return out


def write_junk(out_dir: Path, aim: list[Path] | None = None, copies: int = 8,
               seed: int = 7) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in junk(headline_words(aim or []), copies, seed).items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--aim", type=Path, nargs="*", default=[],
                    help="real articles (files or folders) the junk imitates")
    ap.add_argument("--copies", type=int, default=8, help="near-identical press releases")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    paths = write_junk(args.out, args.aim, args.copies, args.seed)
    print(f"wrote {len(paths)} junk articles to {args.out}")


if __name__ == "__main__":
    main()
