# Objects display by their richest repr, as in Jupyter; the last expression is displayed too.
class Table:
    def __init__(self, rows):
        self.rows = rows

    def _repr_html_(self):
        return "<table>" + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in self.rows) + "</table>"

    def __repr__(self):
        return f"Table({len(self.rows)} rows)"


class Both:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": "Both()", "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>"}


class Doc:
    def _repr_markdown_(self):
        return "*doc*"

    def _repr_json_(self):
        return {"doc": True}


display(Table([("north", 1), ("south", 2)]))
display(Both())
display(Doc())
Table([("west", 3)])
