"""View state with no Textual import: what the widgets show, kept testable on its own."""
