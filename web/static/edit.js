// Enhancements of the editing pages; every page works without them.
// A link to a line of the text ("line 12") selects that line in the textarea.
"use strict";
document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[data-line]");
  const text = document.getElementById("text");
  if (!a || !text) {
    return;
  }
  ev.preventDefault();
  const first = parseInt(text.dataset.firstLine || "1", 10);
  const line = parseInt(a.dataset.line, 10) - first;
  const lines = text.value.split("\n");
  if (line < 0 || line >= lines.length) {
    text.focus();
    return;
  }
  let start = 0;
  for (let i = 0; i < line; i++) {
    start += lines[i].length + 1;
  }
  text.focus();
  text.setSelectionRange(start, start + lines[line].length);
  const height = text.scrollHeight / lines.length;
  text.scrollTop = Math.max(0, (line - 3) * height);
});
