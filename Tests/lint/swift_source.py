"""Swift source as the lint checks read it: comments and string contents blanked, interpolations and line
breaks kept, so that names, braces and line numbers are the code's own."""
import re


def strip(text):
    """The code with comments and the contents of string literals blanked to spaces, line breaks kept, so that
    positions and line numbers stay those of the file."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif text[i] == '"' or (text[i] == "#" and re.match(r'#+"', text[i:])):
            i = string_end(text, i, blank)
        else:
            i += 1
    return "".join(out)


def string_end(text, i, blank):
    """Blanks the string literal starting at `i` (but not its interpolations, which are code); returns the index
    after it."""
    hashes = len(text[i:]) - len(text[i:].lstrip("#"))
    start = i + hashes
    quote = '"""' if text.startswith('"""', start) else '"'
    close, escape = quote + "#" * hashes, "\\" + "#" * hashes
    i = start + len(quote)
    from_ = i
    while i < len(text) and not text.startswith(close, i):
        if text.startswith(escape + "(", i):
            blank(from_, i)
            depth, i = 1, i + len(escape) + 1
            while i < len(text) and depth:
                if text[i] == '"' or (text[i] == "#" and re.match(r'#+"', text[i:])):
                    i = string_end(text, i, blank)
                    continue
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
            from_ = i
        else:
            i += len(escape) + 1 if text.startswith(escape, i) else 1
    blank(from_, i)
    return i + len(close)
