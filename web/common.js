/* common.js: what every page of postroute shares: the string table, requests to the API, formats, the map. */
'use strict';

var PR = (function () {
	/* The daemon's root, from this script's own address: the pages work
	 * under a proxy's path prefix too. */
	var base = new URL('../', document.currentScript.src);
	var lang = 'vi';
	var T = {};
	var skew = 0;	/* server clock - ours, from the Date header */
	var palette = ['#1565c0', '#d81b60', '#00897b', '#f4511e', '#5e35b1',
	    '#7cb342', '#6d4c41', '#fdd835'];

	try {
		lang = localStorage.getItem('postroute.lang') === 'en' ? 'en' : 'vi';
	} catch (e) { /* storage off: Vietnamese */ }

	function url(p) { return new URL(p, base).href; }

	/* t('key', {n: 3}) -> the string of the current language. */
	function t(key, args) {
		var s = Object.prototype.hasOwnProperty.call(T, key) ? T[key] : key;
		if (args)
			s = s.replace(/\{(\w+)\}/g, function (m, k) {
				return k in args ? String(args[k]) : m;
			});
		return s;
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = String(text);
		return e;
	}

	function status(msg, bad) {
		var s = document.getElementById('status');
		if (!s)
			return;
		s.textContent = msg || '';
		s.className = msg ? (bad ? 'bad' : 'note') : '';
	}

	function noteDate(r) {
		var d = Date.parse(r.headers.get('Date') || '');
		if (!isNaN(d))
			skew = d - Date.now();
	}

	function toLogin() {
		var here = location.href.slice(base.href.length);
		location.href = url('login?next=' + encodeURIComponent(here));
	}

	/* GET path with If-None-Match etag; resolves {status, etag, data}. */
	function get(path, etag) {
		var h = {};
		if (etag)
			h['If-None-Match'] = etag;
		return fetch(url(path), { headers: h, cache: 'no-store',
		    credentials: 'same-origin' }).then(function (r) {
			noteDate(r);
			if (r.status === 401) {
				toLogin();
				throw new Error(t('err_login'));
			}
			if (r.status === 304)
				return { status: 304, etag: etag };
			return r.json().then(function (d) {
				return { status: r.status, etag: r.headers.get('ETag'),
				    data: d };
			});
		});
	}

	/* POST with the header a cross-site form cannot send. */
	function post(path, body) {
		return fetch(url(path), { method: 'POST', body: body || '',
		    credentials: 'same-origin', headers: {
			'X-Requested-With': 'postroute',
			'Content-Type': 'application/x-www-form-urlencoded' } })
		    .then(function (r) {
			if (r.status === 401)
				toLogin();
			return r.json().catch(function () { return {}; })
			    .then(function (d) { return { status: r.status, data: d }; });
		});
	}

	/* Calls fn (which returns a promise) every ms, less often while the
	 * page is hidden; never two at once. */
	function poll(fn, ms) {
		var timer = null, busy = false;
		function run() {
			clearTimeout(timer);
			if (busy)
				return;
			busy = true;
			Promise.resolve().then(fn).catch(function (e) {
				status(t('err_network') + ' ' + (e && e.message || ''), true);
			}).then(function () {
				busy = false;
				timer = setTimeout(run, document.hidden ? ms * 10 : ms);
			});
		}
		document.addEventListener('visibilitychange', function () {
			if (!document.hidden)
				run();
		});
		run();
	}

	function nf(digits) {
		return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
		    maximumFractionDigits: digits, minimumFractionDigits: 0 });
	}
	function num(x, digits) {
		return typeof x === 'number' ? nf(digits || 0).format(x) : '–';
	}
	function km(m) { return typeof m === 'number' ? num(m / 1000, 1) : '–'; }

	/* "2026-08-20T09:15:00+07:00" -> "09:15", with the date when it is
	 * not day (YYYY-MM-DD). Plan times carry the office's offset. */
	function time(iso, day) {
		if (typeof iso !== 'string' || iso.length < 16)
			return '–';
		var hm = iso.slice(11, 16);
		if (day && iso.slice(0, 10) !== day)
			return iso.slice(8, 10) + '/' + iso.slice(5, 7) + ' ' + hm;
		return hm;
	}

	/* Seconds since iso by the server's clock. */
	function ageOf(iso) {
		var t0 = Date.parse(iso || '');
		return isNaN(t0) ? null : Math.max(0, (Date.now() + skew - t0) / 1000);
	}
	function age(s) {
		if (s === null || s === undefined)
			return '–';
		if (s < 60)
			return t('age_s', { n: Math.round(s) });
		if (s < 3600)
			return t('age_min', { n: Math.round(s / 60) });
		if (s < 172800)
			return t('age_h', { n: Math.round(s / 3600) });
		return t('age_d', { n: Math.round(s / 86400) });
	}

	function risk(code) { return code ? t('risk_' + code) : ''; }
	function reason(code) { return code ? t('reason_' + code) : ''; }

	/* Lower case without Vietnamese marks: "Đồng Đăng" -> "dong dang". */
	function fold(s) {
		return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
		    .replace(/[đĐ]/g, 'd').toLowerCase();
	}

	function applyStatic() {
		document.documentElement.lang = lang;
		document.querySelectorAll('[data-t]').forEach(function (e) {
			e.textContent = t(e.getAttribute('data-t'));
		});
		document.querySelectorAll('[data-tp]').forEach(function (e) {
			e.placeholder = t(e.getAttribute('data-tp'));
		});
		var b = document.getElementById('lang');
		if (b) {
			b.textContent = t('lang_other');
			b.title = t('lang_switch');
			b.addEventListener('click', function () {
				try {
					localStorage.setItem('postroute.lang',
					    lang === 'vi' ? 'en' : 'vi');
				} catch (e) { /* no storage: stays */ }
				location.reload();
			});
		}
	}

	/* Loads the strings and the page configuration, then calls start(cfg). */
	function load(start) {
		Promise.all([
			fetch(url('web/i18n/' + lang + '.json')).then(function (r) { return r.json(); }),
			fetch(url('page-config.json'), { cache: 'no-store' }).then(function (r) { return r.json(); })
		]).then(function (v) {
			T = v[0];
			applyStatic();
			start(v[1]);
		}).catch(function (e) {
			status('postroute: ' + (e && e.message || e), true);
		});
	}

	/* A Leaflet map in element id; the base map when configured. */
	function map(id, cfg) {
		var m = L.map(id, { zoomControl: true, preferCanvas: false });
		if (cfg.tile_url)
			L.tileLayer(cfg.tile_url, { maxZoom: 18,
			    attribution: escapeHtml(cfg.tile_attribution || '') }).addTo(m);
		else
			document.getElementById(id).classList.add('nobase');
		return m;
	}

	function escapeHtml(s) {
		return String(s).replace(/[&<>"']/g, function (c) {
			return '&#' + c.charCodeAt(0) + ';';
		});
	}

	return { url: url, t: t, el: el, status: status, get: get, post: post,
	    poll: poll, num: num, km: km, time: time, ageOf: ageOf, age: age,
	    risk: risk, reason: reason, fold: fold, load: load, map: map,
	    palette: palette, lang: function () { return lang; } };
})();
