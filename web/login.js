/* login.js: the access token form; the daemon answers with a cookie (docs/web.md). */
'use strict';

(function () {
	/* Back to the page that sent us here: a path of this server only. */
	function next() {
		var n = new URLSearchParams(location.search).get('next') || '';
		return /^[A-Za-z0-9._~%\/-]*$/.test(n) && n.charAt(0) !== '/' &&
		    n.indexOf('..') < 0 ? n : '';
	}

	PR.load(function () {
		document.getElementById('form').addEventListener('submit', function (e) {
			e.preventDefault();
			var tok = document.getElementById('token').value;
			PR.post('login', 'token=' + encodeURIComponent(tok)).then(function (r) {
				if (r.status === 200)
					location.href = PR.url(next());
				else
					PR.status(PR.t('wrong_token'), true);
			}).catch(function (err) { PR.status(err.message, true); });
		});
	});
})();
