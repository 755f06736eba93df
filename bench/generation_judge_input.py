"""Write, per development article, what an independent judge reads: the rubric, the article text and the
generator's top 15 candidates (each with its stable hash), plus an empty verdict template.

Run `python bench/generation_judge_input.py [--out DIR]` (default bench/out/judge-input/). Give a judge ONLY
the rubric and one article's file; store the verdicts as bench/generation_judgements/<article>.json,
{hash: {"acceptable": bool, "reason": str}}. bench/generation_bench.py reports the acceptable rate over the
judged candidates of today's top 15 and how many are unjudged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generation_dev import RUBRIC, candidate_hash, dev_articles, judgements  # noqa: E402


def render(dev) -> str:  # noqa: ANN001 (a DevArticle)
    lines = [f"# Judge input: {dev.slug}", "", "## Rubric", "", RUBRIC, "", "## Article", ""]
    lines += ["```text", dev.path.read_text(encoding="utf-8").rstrip("\n"), "```", ""]
    lines += ["## Candidates (top 15)", ""]
    for n, c in enumerate(dev.top, 1):
        q = c.question
        lines.append(f"### {n}. hash `{candidate_hash(q)}` ({q['type']}, {q['topic']})")
        lines.append("")
        lines.append(q["stem"])
        lines.append("")
        if q.get("options"):
            lines += [f"- {'(correct) ' if o == q['answer'] else ''}{o}" for o in q["options"]]
        else:
            lines.append(f"Answer: {json.dumps(q['answer'], ensure_ascii=False)}")
        lines.append("")
        lines.append(f"Source sentence: “{q['source']['quote']}”")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/judge-input")
    parser.add_argument("--set", dest="which", choices=("dev", "heldout"), default="dev")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for dev in dev_articles(args.which):
        (args.out / f"{dev.slug}.md").write_text(render(dev), encoding="utf-8")
        stored = judgements(dev.slug, args.which)
        template = {
            candidate_hash(c.question): stored.get(
                candidate_hash(c.question), {"acceptable": None, "reason": ""}
            )
            for c in dev.top
        }
        (args.out / f"{dev.slug}.verdicts.json").write_text(
            json.dumps(template, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        unjudged = sum(1 for v in template.values() if v["acceptable"] is None)
        print(f"{dev.slug}: {len(dev.top)} candidates, {unjudged} unjudged → {args.out / (dev.slug + '.md')}")


if __name__ == "__main__":
    main()
