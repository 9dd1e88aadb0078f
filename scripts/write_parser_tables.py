"""Rewrite lvscf/parse/lvs.tables after a change to grammars/lvs.lark (or to the Lark version).

    python scripts/write_parser_tables.py
"""

import lark

from lvscf.parse.grammar import TABLES_FILE, write_tables

write_tables()
print(f"wrote {TABLES_FILE} for lark {lark.__version__}")
