# Every display class of the IPython.display subset, a raw bundle, and values of plain types.
import base64

from IPython.display import HTML, JSON, SVG, Image, Markdown, display

display(HTML("<b>bold</b> and <i>italic</i>"))
display(Markdown("# Title\n\n- one\n- two"))
display(SVG("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"))
display(JSON({"a": [1, 2, 3], "b": {"c": None}}))
png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
display(Image(png))
display({"text/plain": "fallback", "text/markdown": "**rich**"}, raw=True)
display("text", 42, [1, 2], {"k": "v"}, None, 3.5)
print("done")
