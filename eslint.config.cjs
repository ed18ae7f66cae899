// ESLint 9 (flat config) for the tree's JS, run by `make lint` (scripts/oca-lint.sh): OCA's rules
// (odoo_addon/eslint.config.cjs) for every file, each folder parsed as what it is. OCA names an
// Odoo ES module *.esm.js; Odoo 18 loads every static/src file as one, so they are parsed as
// modules here whatever their name. The page (www) runs in browsers; its server, the tools, simulator, benches and tests in node.
const globals = require("globals");
const oca = require("./odoo_addon/eslint.config.cjs");

module.exports = [
  {
    // Built or fetched: not the project's source.
    ignores: [
      "**/node_modules/**",
      "**/static/lib/**",
      "pkg/**",
      "target/**",
      "out/**",
      "dist/**",
      "fuzz/**",
    ],
  },
  ...oca,
  {
    files: ["odoo_addon/*/static/**/*.js"],
    languageOptions: {sourceType: "module"},
  },
  {
    files: ["www/**/*.js"],
    languageOptions: {sourceType: "module", globals: globals.browser},
  },
  {
    files: [
      "{scripts,tests,simulator,cli,benches,pkg-template}/**/*.{js,mjs}",
      "www/serve.mjs",
    ],
    languageOptions: {sourceType: "module", globals: {...globals.node}},
  },
  {
    files: ["**/*.cjs"],
    languageOptions: {sourceType: "commonjs", globals: {...globals.node}},
  },
];
