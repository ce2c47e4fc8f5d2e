// Saving a figure from the panel: the decoded bytes must be the type the page claims, the name a plain file
// name, and the dialog proposes figures/<first free name> filtered by type.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkFigure, defaultFigureName, figureFilters, figuresFolder, savedMessage } from "./out/panel/figures.mjs";

const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108020000009077", "hex");
const b64 = (x) => Buffer.from(x).toString("base64");

test("a PNG with its signature is accepted with its exact bytes", () => {
  const r = checkFigure("plot.png", "image/png", png.toString("base64"));
  assert.equal(r.ok, true);
  assert.deepEqual(Buffer.from(r.bytes), png);
});

test("bytes that are not the claimed type are refused with a reason", () => {
  const cases = [
    ["plot.png", "image/png", b64("<svg xmlns='http://www.w3.org/2000/svg'/>"), /not a PNG/],
    ["plot.png", "image/png", b64("#!/bin/sh\nrm -rf ~\n"), /not a PNG/],
    ["plot.png", "image/png", png.subarray(0, 8).toString("base64"), /not a PNG/],
    ["plot.png", "image/png", "", /empty/],
    ["box.svg", "image/svg+xml", png.toString("base64"), /not an SVG/],
    ["box.svg", "image/svg+xml", b64("<html><script>alert(1)</script></html>"), /not an SVG/],
    ["box.svg", "image/svg+xml", b64("<?xml version='1.0'?><html/>"), /not an SVG/],
    ["box.svg", "image/svg+xml", Buffer.from([0x3c, 0x73, 0x76, 0x67, 0xff, 0xfe]).toString("base64"), /not an SVG/],
  ];
  for (const [name, mime, base64, reason] of cases) {
    const r = checkFigure(name, mime, base64);
    assert.equal(r.ok, false, `${name} ${base64}`);
    assert.match(r.reason, reason);
  }
});

test("SVG text starting with <svg or an XML declaration is accepted, after a BOM or blank lines", () => {
  for (const text of ["<svg xmlns='http://www.w3.org/2000/svg'/>", "\uFEFF\n  <svg/>", "<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE svg>\n<svg/>"]) {
    const r = checkFigure("box.svg", "image/svg+xml", b64(text));
    assert.equal(r.ok, true, text);
    assert.equal(Buffer.from(r.bytes).toString("utf8"), text);
  }
});

test("a name that is a path or of the wrong type is refused even with good bytes", () => {
  for (const name of ["../evil.png", "a/b.png", "..\\evil.png", "/abs.png", "plot.svg", ".png", "a..png"]) {
    const r = checkFigure(name, "image/png", png.toString("base64"));
    assert.equal(r.ok, false, name);
    assert.match(r.reason, /plain file name/);
  }
});

test("the dialog proposes figures/<name>, or the first free numbered name, filtered by type", () => {
  assert.equal(figuresFolder, "figures");
  assert.equal(defaultFigureName("plot.png", "image/png", new Set()), "plot.png");
  assert.equal(defaultFigureName("plot.png", "image/png", new Set(["Plot.PNG", "plot_2.png", "other.svg"])), "plot_3.png");
  assert.equal(defaultFigureName("box.svg", "image/svg+xml", new Set(["box.png"])), "box.svg");
  assert.deepEqual(figureFilters("image/png"), { "PNG image": ["png"] });
  assert.deepEqual(figureFilters("image/svg+xml"), { "SVG image": ["svg"] });
  assert.equal(savedMessage("figures\\plot.png"), "Saved figures/plot.png");
});
