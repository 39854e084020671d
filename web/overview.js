/* overview.js: the province at a glance: every office on the map coloured by its state, and a list to search. */
'use strict';

(function () {
	var order = ['redis_down', 'at_risk', 'stale', 'planned', 'no_orders'];
	var map, layer, etag = null, offices = [], fitted = false;
	var q = document.getElementById('q');

	function officeUrl(o) { return PR.url('offices/' + encodeURIComponent(o.id)); }

	function matches(o, words) {
		var hay = PR.fold([o.name, o.id, o.commune, o.district_name].join(' '));
		return words.every(function (w) { return hay.indexOf(w) >= 0; });
	}

	function renderList() {
		var ul = document.getElementById('offices');
		var words = PR.fold(q.value).split(/\s+/).filter(Boolean);
		var frag = document.createDocumentFragment(), shown = 0;
		offices.forEach(function (o) {
			if (!matches(o, words))
				return;
			shown++;
			var li = PR.el('li', 'office st-' + o.state);
			li.setAttribute('data-office', o.id);
			var a = PR.el('a', 'name', o.name);
			a.href = officeUrl(o);
			li.appendChild(a);
			li.appendChild(PR.el('span', 'meta', o.commune + ' · ' +
			    o.district_name + ' · ' + PR.t('state_' + o.state)));
			var b = PR.el('span', 'nums');
			b.appendChild(PR.el('span', '', PR.t('n_orders', { n: o.open_orders })));
			if (o.routes !== undefined)
				b.appendChild(PR.el('span', '', PR.t('n_routes', { n: o.routes })));
			if (o.at_risk)
				b.appendChild(PR.el('span', 'warn', PR.t('n_at_risk', { n: o.at_risk })));
			if (o.plan_generated_at)
				b.appendChild(PR.el('span', '', PR.t('plan_age', {
				    age: PR.age(PR.ageOf(o.plan_generated_at)) })));
			li.appendChild(b);
			frag.appendChild(li);
		});
		ul.replaceChildren(frag);
		if (!shown)
			ul.appendChild(PR.el('li', 'empty', PR.t('no_match')));
	}

	function renderLegend() {
		var counts = {}, ul = document.getElementById('legend');
		offices.forEach(function (o) { counts[o.state] = (counts[o.state] || 0) + 1; });
		ul.replaceChildren();
		order.forEach(function (s) {
			if (!counts[s])
				return;
			var li = PR.el('li', 'st-' + s);
			li.appendChild(PR.el('i', 'dot'));
			li.appendChild(document.createTextNode(PR.t('state_' + s) + ' ' + counts[s]));
			ul.appendChild(li);
		});
	}

	function renderMap() {
		var bounds = [];
		layer.clearLayers();
		offices.forEach(function (o) {
			var ll = [o.location[1], o.location[0]];
			bounds.push(ll);
			var m = L.circleMarker(ll, { radius: o.state === 'no_orders' ? 4 : 7,
			    className: 'om st-' + o.state, weight: 1, fillOpacity: 0.9 });
			m.bindTooltip(o.name + ' — ' + PR.t('state_' + o.state));
			m.on('click', function () { location.href = officeUrl(o); });
			layer.addLayer(m);
		});
		if (!fitted && bounds.length) {
			map.fitBounds(bounds, { padding: [10, 10] });
			fitted = true;
		}
	}

	function refresh() {
		return PR.get('v1/offices', etag).then(function (r) {
			if (r.status === 304) {
				renderList();	/* ages move on */
				return;
			}
			if (r.status !== 200)
				throw new Error(r.data && r.data.error || r.status);
			etag = r.etag;
			offices = r.data.slice().sort(function (a, b) {
				return order.indexOf(a.state) - order.indexOf(b.state) ||
				    a.name.localeCompare(b.name, 'vi');
			});
			var down = offices.some(function (o) { return o.state === 'redis_down'; });
			PR.status(down ? PR.t('redis_down_note') : '', down);
			renderLegend();
			renderMap();
			renderList();
		});
	}

	PR.load(function (cfg) {
		map = PR.map('map', cfg);
		map.setView([21.85, 106.6], 9);
		layer = L.layerGroup().addTo(map);
		q.addEventListener('input', renderList);
		PR.poll(refresh, 10000);
	});
})();
