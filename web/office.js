/* office.js: one office: its routes on the map and in a table, the orders at risk or left out, handing a route to a driver; follows new plans by itself. */
'use strict';

(function () {
	var id = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
	var path = 'v1/offices/' + encodeURIComponent(id);
	var map, lines, marks, office = null, plan = null, planTag = null,
	    officeTag = null, fitted = false, pending = {}, armed = {};

	function colour(i) { return PR.palette[i % PR.palette.length]; }
	function day() { return plan && plan.day_start ? plan.day_start.slice(0, 10) : null; }
	function T(iso) { return PR.time(iso, day()); }

	function row(dl, label, value) {
		if (value === undefined || value === null || value === '')
			return;
		dl.appendChild(PR.el('dt', '', label));
		dl.appendChild(PR.el('dd', '', value));
	}

	/* The popup of a stop: built as elements, never as HTML text. */
	function stopPopup(s, k, r) {
		var box = PR.el('div', 'pop');
		box.appendChild(PR.el('b', '', PR.t('stop_n', { n: k + 1 }) + ' · ' + s.order_id));
		var dl = PR.el('dl');
		var c = s.contact || {};
		row(dl, PR.t('household'), c.name);
		if (c.phone) {
			dl.appendChild(PR.el('dt', '', PR.t('phone')));
			var dd = PR.el('dd'), a = PR.el('a', '', c.phone);
			a.href = 'tel:' + c.phone.replace(/[^0-9+]/g, '');
			dd.appendChild(a);
			dl.appendChild(dd);
		}
		row(dl, PR.t('address'), c.address || s.commune_name);
		row(dl, PR.t('weight'), PR.num(s.weight_kg, 1) + ' kg');
		row(dl, PR.t('perishable'), s.perishable ? PR.t('yes') : PR.t('no'));
		row(dl, PR.t('arrival'), T(s.arrival));
		row(dl, PR.t('latest_pickup'), T(s.latest));
		row(dl, PR.t('vehicle'), r.vehicle);
		if (s.risk)
			row(dl, PR.t('risk'), PR.risk(s.risk));
		box.appendChild(dl);
		return box;
	}

	function officeLatLng() {
		if (plan && plan.office_location)
			return [plan.office_location[1], plan.office_location[0]];
		return office ? [office.location[1], office.location[0]] : null;
	}

	function renderMap() {
		var open = null, bounds = [], home = officeLatLng();
		marks.eachLayer(function (m) {
			if (m.isPopupOpen && m.isPopupOpen())
				open = m.options.orderId;
		});
		lines.clearLayers();
		marks.clearLayers();
		if (home) {
			bounds.push(home);
			marks.addLayer(L.marker(home, { icon: L.divIcon({ className: 'office-mark',
			    iconSize: [18, 18] }), title: office ? office.name : id, keyboard: false }));
		}
		(plan ? plan.routes : []).forEach(function (r, i) {
			var pts = home ? [home] : [];
			r.stops.forEach(function (s, k) {
				var ll = [s.location[1], s.location[0]];
				pts.push(ll);
				bounds.push(ll);
				var m = L.marker(ll, { orderId: s.order_id, title: s.order_id, icon: L.divIcon({
				    className: 'stop rc' + (i % PR.palette.length) + (s.risk ? ' risk' : ''),
				    html: String(k + 1), iconSize: [22, 22] }) });
				m.bindPopup(stopPopup(s, k, r));
				marks.addLayer(m);
			});
			if (home)
				pts.push(home);
			lines.addLayer(L.polyline(pts, { color: colour(i), weight: 4, opacity: 0.8,
			    className: 'route-line', dashArray: r.dispatched ? null : '8 6' }));
		});
		/* Left out of every route: where the plan says they are (plans
		 * that carry a location for them). */
		(plan ? plan.unassigned : []).forEach(function (u) {
			if (!u.location)
				return;
			var ll = [u.location[1], u.location[0]];
			bounds.push(ll);
			var m = L.marker(ll, { orderId: u.order_id, title: u.order_id, icon: L.divIcon({
			    className: 'stop unassigned', html: '!', iconSize: [22, 22] }) });
			m.bindPopup(PR.el('div', 'pop', u.order_id + ' — ' + PR.reason(u.reason)));
			marks.addLayer(m);
		});
		/* The view is the user's once the plan has been shown. */
		if (!fitted && bounds.length) {
			map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
			fitted = plan !== null;
		}
		if (open)
			marks.eachLayer(function (m) {
				if (m.options.orderId === open)
					m.openPopup();
			});
	}

	function dispatch(r, btn) {
		if (!armed[r.vehicle]) {
			armed[r.vehicle] = true;
			btn.textContent = PR.t('confirm_dispatch');
			btn.classList.add('armed');
			setTimeout(function () {
				if (armed[r.vehicle]) {
					delete armed[r.vehicle];
					renderRoutes();
				}
			}, 5000);
			return;
		}
		delete armed[r.vehicle];
		btn.disabled = true;
		PR.post(path + '/routes/' + encodeURIComponent(r.vehicle) + '/dispatch')
		    .then(function (x) {
			if (x.status !== 200)
				throw new Error(x.data && x.data.error || x.status);
			pending[r.vehicle] = 'dispatch';
			PR.status(PR.t('dispatching_note', { v: r.vehicle }));
			renderRoutes();
		}).catch(function (e) {
			PR.status(PR.t('err_dispatch') + ' ' + e.message, true);
			renderRoutes();
		});
	}

	function undo(r, btn) {
		btn.disabled = true;
		PR.post(path + '/routes/' + encodeURIComponent(r.vehicle) + '/undispatch')
		    .then(function (x) {
			if (x.status !== 200)
				throw new Error(x.data && x.data.error || x.status);
			pending[r.vehicle] = 'undo';
			PR.status(PR.t('undoing_note', { v: r.vehicle }));
			renderRoutes();
		}).catch(function (e) {
			PR.status(PR.t('err_undo') + ' ' + e.message, true);
			renderRoutes();
		});
	}

	function renderRoutes() {
		var tb = document.querySelector('#routes tbody');
		var frag = document.createDocumentFragment();
		(plan ? plan.routes : []).forEach(function (r, i) {
			var tr = PR.el('tr', r.dispatched ? 'dispatched' : '');
			tr.setAttribute('data-vehicle', r.vehicle);
			var td = PR.el('td', 'veh');
			td.appendChild(PR.el('i', 'swatch rc' + (i % PR.palette.length)));
			var a = PR.el('a', '', r.vehicle);
			a.href = PR.url('offices/' + encodeURIComponent(id) + '/routes/' +
			    encodeURIComponent(r.vehicle) + '/sheet');
			a.title = PR.t('sheet');
			td.appendChild(a);
			tr.appendChild(td);
			[[T(r.start), 'col_departure'], [T(r.end), 'col_return'],
			    [r.stops.length, 'col_stops'], [PR.km(r.distance_m), 'col_km'],
			    [PR.num(r.load_kg, 1), 'col_load']].forEach(function (c) {
				var cell = PR.el('td', '', c[0]);
				cell.setAttribute('data-label', PR.t(c[1]));
				tr.appendChild(cell);
			});
			td = PR.el('td', 'disp');
			td.setAttribute('data-label', PR.t('col_dispatched'));
			if (pending[r.vehicle] === (r.dispatched ? 'dispatch' : 'undo')) {
				delete pending[r.vehicle];
				PR.status('');
			}
			if (r.dispatched) {
				td.appendChild(PR.el('span', 'badge ok', PR.t('dispatched')));
				/* Undo only where the API offers it (docs/web.md). */
				if (r.can_undo === true && !pending[r.vehicle]) {
					var u = PR.el('button', 'undo', PR.t('undo'));
					u.type = 'button';
					u.addEventListener('click', function () { undo(r, u); });
					td.appendChild(u);
				}
			} else if (pending[r.vehicle]) {
				td.appendChild(PR.el('span', 'badge', PR.t('dispatching')));
			} else {
				var b = PR.el('button', 'dispatch' + (armed[r.vehicle] ? ' armed' : ''),
				    PR.t(armed[r.vehicle] ? 'confirm_dispatch' : 'dispatch'));
				b.type = 'button';
				b.addEventListener('click', function () { dispatch(r, b); });
				td.appendChild(b);
			}
			tr.appendChild(td);
			frag.appendChild(tr);
		});
		tb.replaceChildren(frag);
		if (plan && !plan.routes.length) {
			var tr = PR.el('tr');
			var td = PR.el('td', 'empty', PR.t('no_routes'));
			td.colSpan = 7;
			tr.appendChild(td);
			tb.appendChild(tr);
		}
	}

	/* Every order at risk or left out, once, with its reasons in words. */
	function renderAttention() {
		var ul = document.getElementById('attention'), items = {}, keys = [];
		function item(oid) {
			if (!items[oid]) {
				items[oid] = { id: oid, why: [] };
				keys.push(oid);
			}
			return items[oid];
		}
		if (plan) {
			plan.routes.forEach(function (r) {
				r.stops.forEach(function (s, k) {
					if (s.risk)
						item(s.order_id).where = PR.t('on_route', { v: r.vehicle, n: k + 1 });
				});
			});
			plan.at_risk.forEach(function (a) {
				var it = item(a.order_id);
				it.why.push(PR.risk(a.risk));
				it.latest = a.latest;
			});
			plan.unassigned.forEach(function (u) {
				var it = item(u.order_id);
				it.unassigned = true;
				it.why.push(PR.reason(u.reason));
				if (u.risk && it.why.indexOf(PR.risk(u.risk)) < 0)
					it.why.push(PR.risk(u.risk));
				it.detail = u.detail;
			});
		}
		var frag = document.createDocumentFragment();
		keys.forEach(function (k) {
			var it = items[k], li = PR.el('li', it.unassigned ? 'unassigned' : 'risk');
			li.setAttribute('data-order', it.id);
			li.appendChild(PR.el('b', '', it.id));
			li.appendChild(PR.el('span', 'where', it.unassigned ? PR.t('not_routed') :
			    (it.where || '')));
			var w = PR.el('span', 'why', it.why.join(' · '));
			if (it.detail)
				w.title = it.detail;
			li.appendChild(w);
			if (it.latest)
				li.appendChild(PR.el('span', 'when', PR.t('latest_pickup') + ' ' + T(it.latest)));
			frag.appendChild(li);
		});
		ul.replaceChildren(frag);
		if (plan && !keys.length)
			ul.appendChild(PR.el('li', 'empty', PR.t('none_at_risk')));
	}

	function renderInfo() {
		var p = document.getElementById('planinfo');
		var name = office ? office.name : plan ? plan.office_name : id;
		document.getElementById('name').textContent = name;
		document.title = name + ' — postroute';
		p.replaceChildren();
		if (office)
			p.appendChild(PR.el('span', 'state st-' + office.state, PR.t('state_' + office.state)));
		if (!plan) {
			p.appendChild(PR.el('span', '', PR.t('no_plan')));
			return;
		}
		p.appendChild(PR.el('span', '', PR.t('plan_version', { v: plan.version })));
		p.appendChild(PR.el('span', '', PR.t('plan_time', { t: PR.time(plan.plan_time, '-') })));
		p.appendChild(PR.el('span', 'age', PR.t('plan_age', { age: PR.age(PR.ageOf(plan.generated_at)) })));
		p.appendChild(PR.el('span', '', PR.t('n_orders', { n: plan.orders })));
	}

	function refreshPlan() {
		return PR.get(path + '/plan', planTag).then(function (r) {
			if (r.status === 304) {
				renderInfo();
				return;
			}
			if (r.status === 404) {
				plan = null;
				planTag = null;
			} else if (r.status !== 200) {
				throw new Error(r.data && r.data.error || r.status);
			} else {
				plan = r.data;
				planTag = r.etag;
			}
			if (document.getElementById('status').className === 'bad')
				PR.status('');
			renderInfo();
			renderMap();
			renderRoutes();
			renderAttention();
		});
	}

	function refreshOffice() {
		return PR.get('v1/offices?id=' + encodeURIComponent(id), officeTag).then(function (r) {
			if (r.status !== 200)
				return;
			officeTag = r.etag;
			office = r.data[0];
			renderInfo();
			if (!fitted)
				renderMap();
		});
	}

	PR.load(function (cfg) {
		map = PR.map('map', cfg);
		map.setView([21.85, 106.6], 10);
		lines = L.layerGroup().addTo(map);
		marks = L.layerGroup().addTo(map);
		/* A new plan shows within a second or two: one small request a
		 * second, answered 304 while the plan is the same. */
		refreshOffice().catch(function () {}).then(function () {
			PR.poll(refreshPlan, 1000);
			PR.poll(refreshOffice, 5000);
		});
	});
})();
