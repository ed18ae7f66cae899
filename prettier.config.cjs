// OCA's prettier.config.cjs for Odoo 18, as in OCA/oca-addons-repo-template
// (src/{% if odoo_version >= 18 %}prettier.config.cjs{% endif %}, commit 4a360d9f), unchanged.
// The plugin is installed under .tools/lint by scripts/setup.sh lint and found through NODE_PATH.
/** @type {import('prettier').Config} */

const config = {
  // https://github.com/prettier/prettier/issues/15388#issuecomment-1717746872
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
