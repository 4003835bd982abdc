/** The report pages' inline stylesheet (no external references). */
export const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 24px 48px; font: 14px/1.45 "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif;
  color: #1d232a; background: #f5f6f8; }
main { max-width: 1480px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d5d9df; }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; color: #3a4350; }
section.card { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
section.card > h2:first-child { margin-top: 0; }
.sub { color: #5a6472; margin: 0 0 12px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.kv dt { color: #5a6472; }
dl.kv dd { margin: 0; word-break: break-word; }
code, pre { font-family: "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 13px; }
pre.cmd { margin: 0; padding: 8px 10px; background: #f0f2f5; border-radius: 4px; white-space: pre-wrap; word-break: break-all; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 4px 0 8px; background: #fff; }
th, td { padding: 4px 7px; border-bottom: 1px solid #e3e6ea; text-align: left; white-space: nowrap; font-size: 13px; }
th { background: #eef1f4; font-weight: 600; white-space: normal; vertical-align: bottom; }
td.wrap { white-space: normal; min-width: 160px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.all td { font-weight: 600; border-top: 2px solid #c9ced6; }
th.group { text-align: center; border-bottom: 1px solid #c9ced6; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; letter-spacing: .02em; }
.ok { background: #dff3e2; color: #1c6b2a; }
.bad { background: #fde2e1; color: #a11d17; }
.warn { background: #fff1cc; color: #7a5200; }
.banner { border-radius: 8px; padding: 14px 18px; margin: 16px 0; font-size: 15px; }
.banner.unconstrained { background: #fff1cc; border: 2px solid #e0a800; }
.banner.applied { background: #e6f0fb; border: 1px solid #9cc0e8; }
.banner strong.big { font-size: 18px; letter-spacing: .04em; }
ul.reasons { margin: 4px 0 0 18px; padding: 0; }
ul.checks { list-style: none; margin: 0; padding: 0; }
ul.checks li { padding: 4px 0; border-bottom: 1px solid #eef0f3; }
ul.checks .name { font-weight: 600; margin: 0 8px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px 28px; }
figure { margin: 12px 0 18px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e3e6ea; border-radius: 4px; background: #fff; }
figcaption { color: #5a6472; font-size: 12.5px; margin-top: 4px; }
footer { color: #5a6472; font-size: 12.5px; margin-top: 36px; }
nav.toc a { color: #1f5fa8; text-decoration: none; margin-right: 14px; }
.warning { margin: 8px 0; padding: 8px 12px; background: #fff4d6; border-left: 4px solid #c98a00; border-radius: 4px; }
.warning strong { color: #7a5200; }
.headline-sentences { font-size: 16px; margin: 6px 0 12px 18px; padding: 0; }
.headline-sentences li { margin: 4px 0; }
.basis { display: inline-block; padding: 1px 8px; border-radius: 4px; font-size: 12px; background: #eef1f4; border: 1px solid #c9ced6; }
caption { text-align: left; color: #5a6472; font-size: 12.5px; padding: 2px 0 4px; }
td[title] { cursor: help; }
pre.json { margin: 0; padding: 8px 10px; background: #f0f2f5; border-radius: 4px; white-space: pre-wrap; word-break: break-word; max-height: 420px; overflow: auto; }
a { color: #1f5fa8; }
nav.toc { margin-top: 8px; line-height: 1.9; }
.links a { margin-right: 14px; }
.neutral { background: #eef1f4; color: #3a4350; }
.pair { font-variant-numeric: tabular-nums; }
details summary { cursor: pointer; margin: 8px 0; }
table.toc { margin-top: 8px; }
table.toc td a { margin-right: 6px; }
nav.toc > a { margin-right: 14px; }
`;
