from __future__ import annotations

from mkdocs_journey.parsing.blocks import find_map_blocks, replace_fences

PAGE = """---
title: T
journey:
  id: fm
---
# Title

```journey
id: one
```

!!! note
    ```journey
    id: two
    ```

````markdown
```journey
id: example-only
```
````

~~~journey
id: three
~~~
"""


def test_finds_front_matter_and_fences_in_page_order_with_lines() -> None:
    blocks = find_map_blocks(PAGE)
    assert [(b.kind, b.line, b.column) for b in blocks] == [
        ("front-matter", 2, 1),
        ("fence", 9, 1),
        ("fence", 14, 5),
        ("fence", 24, 1),
    ]
    assert blocks[2].text.strip() == "id: two"  # dedented out of the admonition


def test_fence_inside_another_fence_is_left_alone() -> None:
    texts = [b.text for b in find_map_blocks(PAGE)]
    assert not any("example-only" in text for text in texts)


def test_unclosed_fence_is_reported_as_unclosed() -> None:
    blocks = find_map_blocks("# T\n\n```journey\nid: x\n")
    assert len(blocks) == 1
    assert blocks[0].closed is False


def test_replace_fences_keeps_indentation_and_other_fences() -> None:
    markdown = PAGE.split("---\n", 2)[2]
    replaced = replace_fences(markdown, lambda n: f"SLOT{n}")
    assert "\nSLOT0\n" in replaced
    assert "\n    SLOT1\n" in replaced
    assert "\nSLOT2\n" in replaced
    assert "id: example-only" in replaced  # the example stays a code block
    assert "id: one" not in replaced


QUOTED = """\
# Quotes

> Before.
>
> ```journey
> id: quoted
> title: Q
> ```
>
> After.

>```journey
>id: tight
>```

> > ~~~journey
> > id: nested
> > ~~~

!!! note
    > ```journey
    > id: in-note
    > ```

> ```journey
> id: unclosed

Outside.

- ```journey
  id: listed
  ```
"""


def test_fences_inside_blockquotes_are_maps_with_their_columns() -> None:
    blocks = find_map_blocks(QUOTED)
    assert [(b.kind, b.line, b.column, b.text, b.closed) for b in blocks] == [
        ("fence", 6, 3, "id: quoted\ntitle: Q", True),
        ("fence", 13, 2, "id: tight", True),
        ("fence", 17, 5, "id: nested", True),
        ("fence", 22, 7, "id: in-note", True),
        # The blockquote ends at the blank line, and the fence with it.
        ("fence", 26, 3, "id: unclosed", False),
        ("misplaced", 30, 3, "", True),
    ]
    assert [b.index for b in blocks] == [0, 1, 2, 3, 4, 5]


def test_placeholders_stay_inside_their_blockquote() -> None:
    replaced = replace_fences(QUOTED, lambda n: f"SLOT{n}")
    assert "> Before.\n>\n>\n> SLOT0\n>\n>\n> After." in replaced
    assert ">\n>SLOT1\n>" in replaced
    assert "> >\n> > SLOT2\n> >" in replaced
    assert "    >\n    > SLOT3\n    >" in replaced
    assert ">\n> SLOT4\n>\n\nOutside." in replaced
    assert "- ```journey\n  id: listed\n  ```" in replaced  # reported, left as written
