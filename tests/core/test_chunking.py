from pathlib import Path

from bot.knowledge.chunking import MAX_BODY_CHARS, chunk_chapters, chunk_section
from bot.knowledge.document import load_chapter


def test_chunks_stay_inside_their_section_and_map_back_verbatim(knowledge):
    chapter = knowledge.chapter("ch04")
    chunks = chunk_chapters([chapter])
    assert len(chunks) > 50
    sections = {s.path_text: s for s in chapter.sections}
    for chunk in chunks:
        section = sections[chunk.path_text]
        assert len(chunk.text) <= MAX_BODY_CHARS
        for start, end in chunk.spans:
            assert section.body_start <= start < end <= section.body_end
        assert chunk.text == "\n".join(chapter.text[a:b] for a, b in chunk.spans)


def test_chunk_ids_are_unique_and_carry_the_anchor(knowledge):
    chunks = chunk_chapters(knowledge.chapters)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    netflix = next(c for c in chunks if c.heading_path[-1] == "ビジネスインパクト")
    assert netflix.chunk_id.startswith("ch04:")
    assert netflix.path_text == (
        "4.1 5つの詳細ケーススタディ › Case Study 1: Netflix推薦システム › ビジネスインパクト")


def _chapter(tmp_path: Path, body: str):
    path = tmp_path / "c.md"
    path.write_text(f"---\nid: c\n---\n# T\n\n## A\n\n{body}\n\n## B\n\nnext\n", encoding="utf-8")
    return load_chapter(path)


def test_long_table_is_split_by_rows_and_repeats_the_header(tmp_path):
    rows = "\n".join(f"| 行{i} | {'値' * 40} |" for i in range(30))
    chapter = _chapter(tmp_path, f"| 名前 | 値 |\n|---|---|\n{rows}")
    section = chapter.sections[1]
    chunks = chunk_section(chapter, section, 600)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text.startswith("| 名前 | 値 |\n|---|---|")
        assert len(chunk.text) <= 600
    body_rows = [ln for c in chunks for ln in c.text.splitlines()[2:]]
    assert body_rows == rows.splitlines()


def test_long_paragraph_is_split_at_sentence_ends(tmp_path):
    sentence = "機械学習は" + "とても" * 20 + "重要です。"
    chapter = _chapter(tmp_path, sentence * 12)
    chunks = chunk_section(chapter, chapter.sections[1], 600)
    assert len(chunks) > 1
    assert all(c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == sentence * 12


def test_no_chunk_crosses_into_the_next_section(tmp_path):
    chapter = _chapter(tmp_path, "本文です。")
    chunks = chunk_chapters([chapter])
    assert [c.text for c in chunks] == ["本文です。", "next"]
