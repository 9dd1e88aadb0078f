"""Diagnostic codes of the parse stage (LVS0xx): the file's bytes and its syntax."""

from __future__ import annotations

from ..diagnostics import Code, Severity

E, W = Severity.ERROR, Severity.WARNING

EMPTY_FILE = Code("LVS001", "empty-file", E, "the file is empty", """\
## What it does
Flags an lvs.cf of zero bytes.

## Why is this bad?
Piranha refuses an empty file ("Empty configuration") and pulse does not start.
The piranha package installs exactly such a file as /etc/sysconfig/ha/lvs.cf.

## Example
An empty file.  Use instead: a configuration with at least one active virtual
service, for example `examples/lvs-nat-tutorial.cf`.
""")

CRLF_LINE_ENDS = Code("LVS002", "crlf-line-ends", E, "carriage returns make Piranha skip or glue lines", """\
## What it does
Flags CR bytes in a file that also uses LF line ends (DOS/Windows CRLF files,
or an LF file with a stray CR).

## Why is this bad?
Piranha ends a line at the next CR *anywhere in the rest of the file* before it
looks for LF.  A CRLF file is therefore read as its first line only: every later
line starts with the LF of the previous CRLF and is skipped as blank.  The parse
"succeeds" and pulse exits with "no active lvs services defined".  In an LF file
with a single CR further down, every line before that CR is glued into one line,
which Piranha rejects.  lvscf reads the file as if its line ends were LF, so that
every other problem is found too; this diagnostic says what Piranha really does
with the file as it is (the error and line pulse prints, or that it accepts it),
and the other diagnostics say what Piranha would report once the line ends are LF.

## Example
`serial_no = 1\\r\\nprimary = 10.0.0.1\\r\\n` (Piranha reads `serial_no = 1` only).
Use instead: LF line ends (`dos2unix lvs.cf`).
""")

CR_LINE_ENDS = Code("LVS003", "cr-line-ends", W, "old-Mac CR line ends", """\
## What it does
Flags files whose lines end with CR only.

## Why is this bad?
Piranha's parser happens to read them like LF files, but the Piranha GUI (PHP
`fgets`) and almost every other tool see one single line.

## Example
`serial_no = 1\\rprimary = 10.0.0.1\\r`.  Use instead: LF line ends.
""")

NUL_BYTE = Code("LVS004", "nul-byte", E, "a NUL byte ends or crashes Piranha's reading", """\
## What it does
Flags NUL bytes in the file.

## Why is this bad?
Piranha holds the file as a C string.  At the start of a line, a NUL ends the
file: everything after it is silently ignored.  Anywhere else Piranha finds no
line end before the NUL and dereferences a NULL pointer: pulse crashes.

## Example
`port = 80\\0` followed by more lines.  Use instead: remove the NUL bytes.
""")

UNKNOWN_KEYWORD = Code("LVS005", "unknown-keyword", E, "not an lvs.cf keyword", """\
## What it does
Flags a line whose first word is no keyword of lvs.cf, and suggests the nearest
keyword allowed where it stands.

## Why is this bad?
Piranha stops with "unknown command" and pulse does not start.  Keywords are
case-sensitive.  Keywords the GUI can write but the daemons do not know
(`expect_program`, `nmask`) and keepalived syntax (`global_defs`,
`virtual_server`) are unknown too.

## Example
```
virtual web {
     Port = 80
}
```
Use instead: `port = 80`.
""")

MISPLACED_KEYWORD = Code("LVS006", "misplaced-keyword", E, "a keyword in the wrong block", """\
## What it does
Flags a keyword that exists in lvs.cf, but not in the block where it stands, and
says which block it belongs in.

## Why is this bad?
Piranha stops with "unknown command".  `deadtime` inside a virtual block,
`heartbeat` inside a failover block, `weight` outside a server block and
`server` blocks outside a virtual block are common cases.

## Example
```
virtual web {
     weight = 2
}
```
Use instead: put `weight` inside the `server` block it belongs to.
""")

EQUALS_WITHOUT_BLANKS = Code("LVS007", "equals-without-blanks", E, "`key=value` written without blanks", """\
## What it does
Flags `key=value`, `key= value` and `key =value`.

## Why is this bad?
`=` must be a token of its own, with a blank or TAB on both sides.  Piranha reads
`port=80` as one unknown word ("unknown command") and `port =80` as a keyword not
followed by `=` ("equal (=) expected after command").

## Example
`port=80`.  Use instead: `port = 80`.
""")

NON_ASCII_BLANK = Code("LVS008", "non-ascii-blank", E, "a non-ASCII blank (such as U+00A0) between tokens", """\
## What it does
Flags no-break spaces and other Unicode blanks where a space was meant.

## Why is this bad?
Only ASCII space and TAB separate tokens.  A no-break space, often picked up by
copying from a web page, is an ordinary character to Piranha:
`serial_no\\u00a0=\\u00a01` is one unknown word ("unknown command").

## Example
`serial_no = 1` typed with U+00A0 instead of spaces.  Use instead: plain spaces.
""")

MISSING_EQUALS = Code("LVS009", "missing-equals", E, "a keyword not followed by `=`", """\
## What it does
Flags a keyword whose second word is not `=`.

## Why is this bad?
Piranha stops with "equal (=) expected after command".

## Example
`port 80`.  Use instead: `port = 80`.
""")

MISSING_VALUE = Code("LVS010", "missing-value", E, "a keyword without its value", """\
## What it does
Flags `key =` with no value, and `address`/`nat_router` lines with the address
but no network device.

## Why is this bad?
Piranha stops with "missing arguments".  The Piranha GUI writes `address = IP `
with a trailing blank when its device field is left empty.

## Example
`address = 192.168.0.41`.  Use instead: `address = 192.168.0.41 eth0:1`.
""")

EXTRA_VALUE = Code("LVS011", "extra-value", E, "more values than the keyword takes", """\
## What it does
Flags words after a keyword's value (or values).

## Why is this bad?
Piranha stops with "unexpected arguments".  Values with blanks must be quoted.

## Example
`active_cmd = /usr/local/bin/up.sh now`.
Use instead: `active_cmd = "/usr/local/bin/up.sh now"`.
""")

TRAILING_COMMENT = Code("LVS012", "trailing-comment", E, "a `#` comment after a statement", """\
## What it does
Flags `#` after the words of a statement.

## Why is this bad?
lvs.cf has no trailing comments: `#` starts a comment only as the first word of
a line.  Anywhere else it is an ordinary word, so `port = 80 # http` has too many
words and Piranha stops with "unexpected arguments".  Widely copied tutorials
show such comments; those files never loaded.

## Example
`port = 80 # http`.  Use instead: put the comment on a line of its own above.
""")

BAD_QUOTING = Code("LVS013", "bad-quoting", E, "a quote that Piranha's tokenizer rejects", """\
## What it does
Flags quoted values that are not closed on their line, and quoted values
without a blank inside that are followed by anything, even trailing blanks.

## Why is this bad?
Piranha's tokenizer has no escapes and a peculiar rule: a quoted token without a
blank inside must be the last thing on its line.  Piranha reports "quotation
mismatch" on top-level lines, on the first line of a virtual block and in server
blocks; on the other lines of a virtual block it silently drops the rest of the
line and then usually stops with "missing arguments".  There, a line that
*starts* with a bad quote has no words left, which Piranha takes as the end of
the block: the lines below it are read as top-level lines (usually "unknown
command" on the next one).  lvscf reads the file the same way and reports the
quote itself as a warning; the errors are reported where Piranha reports them.
A lone quote at the very end of a line is undefined behaviour in Piranha's C
code (its result is unpredictable).  A `"` cannot appear inside a double-quoted
value.

## Example
`expect = "OK"  ` (trailing blanks).  Use instead: `expect = "OK"`.
""")

MALFORMED_BLOCK_OPENER = Code("LVS014", "malformed-block-opener", E, "a block opener that is not `KEYWORD NAME {`", """\
## What it does
Flags `virtual`, `failover` and `server` lines that are not exactly the keyword,
one name and `{`.

## Why is this bad?
The `{` must be the last word of the opening line; a `{` on the next line, a
name with blanks that is not quoted, or a comment after the `{` make Piranha
stop with "missing arguments" or "unexpected arguments".  lvscf still reads the
block, so that its contents are checked too.

## Example
```
virtual web
{
```
Use instead: `virtual web {`.
""")

MALFORMED_BLOCK_CLOSE = Code("LVS015", "malformed-block-close", W, "`}` followed by more words", """\
## What it does
Flags a closing `}` with anything after it on its line, a comment included.

## Why is this bad?
Piranha ignores the rest of the line: its parser frees the line's words before
it checks that `}` stands alone, so that check never fails, and `} # end of web`
closes the block like `}`.  The words are almost always a mistake (a trailing
comment that belongs on a line of its own, or a brace left over from an edit),
and other tools do not read them the same way.  `};` and `}}` are not `}` at all
("unknown command", LVS005/LVS016).

## Example
`} # end of web`.  Use instead: `}`, with the comment on a line of its own.
""")

UNMATCHED_CLOSE = Code("LVS016", "unmatched-closing-brace", E, "`}` that closes no block", """\
## What it does
Flags a `}` at the top level.

## Why is this bad?
Piranha stops with "unknown command".  Usually a block was closed twice, or its
opener is malformed.

## Example
A second `}` after the end of a virtual block.  Use instead: remove it.
""")

UNCLOSED_AT_EOF = Code("LVS017", "unclosed-block", W, "the file ends inside a block", """\
## What it does
Flags a block that is still open at the end of the file.

## Why is this bad?
Piranha accepts it silently, but it is almost always a truncated or damaged
file, and the Piranha GUI rewrites it differently.  When the file ends right
after a block's opening line (no line inside the block but comments or blank
lines), Piranha's parser reads uninitialised memory: its result is
unpredictable (it may accept the file or report "unexpected arguments").

## Example
A file that ends after the last server's `weight` line.  Use instead: close
every block with `}`.
""")

MISSING_CLOSE = Code("LVS018", "missing-closing-brace", E, "a block opener inside a block: a `}` is missing", """\
## What it does
Flags a `virtual`/`failover` line inside a block, or a `server` line inside a
server block.

## Why is this bad?
Blocks do not nest that way, so the previous block was not closed.  Piranha
stops with "unknown command" at the new opener.  lvscf closes the open block
there and reads on.

## Example
```
virtual a {
     active = 1
virtual b {
```
Use instead: close `virtual a` with `}` before `virtual b`.
""")

LIST_EXPECTED = Code("LVS019", "list-expected", E, "`dirs` without a `[ ... ]` list", """\
## What it does
Flags a `dirs` value that is not `[`, words, `]`.

## Why is this bad?
Piranha stops with "list expected"; `dirs =` with nothing after it even crashes
the parser.  `dirs` is never used by any daemon: remove it.

## Example
`dirs = /var/www`.  Use instead: remove the line (or `dirs = [ /var/www ]`).
""")

TOO_MANY_WORDS = Code("LVS020", "too-many-words", E, "a line of more than 99 words", """\
## What it does
Flags lines with more than 99 words.

## Why is this bad?
Piranha keeps the first 99 words of a line and silently drops the rest, which
for a long `dirs` list loses its closing `]`.

## Example
A `dirs` list of 120 directories.  Use instead: remove `dirs` (it is unused).
""")

FILE_TOO_LARGE = Code("LVS021", "file-too-large", E, "a file larger than lvscf reads", """\
## What it does
Flags a file of more than 32 MiB (33,554,432 bytes) or more than 1,500,000 lines,
and reads nothing of it: the model is empty and no other problem is reported.

## Why is this bad?
A Piranha lvs.cf is rarely larger than 100 KB: 1,500,000 lines is about 20,000
virtual services of 12 real servers each in the GUI's layout (the limit leaves
room for benchmark files of a million lines).  A larger file is
almost certainly not an lvs.cf (or a damaged one), and reading it would cost
time and memory in proportion (see "Input size and time" in the README).
Piranha itself reads a file of any size.

## Example
A log file or a disk image passed by mistake.  Use instead: the lvs.cf itself.
""")

ALL = (
    EMPTY_FILE, CRLF_LINE_ENDS, CR_LINE_ENDS, NUL_BYTE, UNKNOWN_KEYWORD, MISPLACED_KEYWORD,
    EQUALS_WITHOUT_BLANKS, NON_ASCII_BLANK, MISSING_EQUALS, MISSING_VALUE, EXTRA_VALUE, TRAILING_COMMENT,
    BAD_QUOTING, MALFORMED_BLOCK_OPENER, MALFORMED_BLOCK_CLOSE, UNMATCHED_CLOSE, UNCLOSED_AT_EOF, MISSING_CLOSE,
    LIST_EXPECTED, TOO_MANY_WORDS, FILE_TOO_LARGE,
)
