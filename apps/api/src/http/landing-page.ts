// A tiny built-in query page (served only when enabled). Everything is inline: it loads nothing
// from the internet, unlike Apollo's default landing page (which pulls Apollo Sandbox from a CDN).
export const LANDING_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stableip API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:14px system-ui,sans-serif;margin:1.5rem;max-width:70rem}textarea,input{width:100%;font:13px monospace;box-sizing:border-box}
textarea{height:14rem}pre{background:#f4f4f4;padding:1rem;overflow:auto;max-height:30rem}button{margin:.5rem 0;padding:.4rem 1rem}</style>
</head><body>
<h1>stableip GraphQL API</h1>
<p>POST /graphql with a bearer token. Exports: <code>/export/external-dns</code>, <code>/export/dnsendpoint.yaml</code>,
<code>/export/certificates.yaml</code>, <code>/export/calico.yaml</code>, <code>/export/cilium.yaml</code>,
<code>/export/networkpolicy.yaml</code>, <code>/export/nftables.nft</code>.</p>
<label>Bearer token <input id="token" type="password" autocomplete="off"></label>
<label>Query <textarea id="query">{ clusters { name headSeq pools { edges { node { name capacity used } } } } }</textarea></label>
<label>Variables (JSON) <input id="variables" value="{}"></label>
<button id="run">Run</button>
<pre id="result"></pre>
<script>
document.getElementById('run').addEventListener('click', async () => {
  const out = document.getElementById('result');
  try {
    const response = await fetch(location.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + document.getElementById('token').value },
      body: JSON.stringify({ query: document.getElementById('query').value, variables: JSON.parse(document.getElementById('variables').value || '{}') }),
    });
    out.textContent = response.status + '\\n' + JSON.stringify(await response.json(), null, 2);
  } catch (error) { out.textContent = String(error); }
});
</script></body></html>
`;
