// Map previews: draws the places of a table (the page's baseline) on a Leaflet map.
// Without this file, Leaflet or the tiles, the table of places is what people use.
(() => {
  "use strict";

  // Give up on the picture when the first tiles all fail (no network to the tile server,
  // blocked, or a wrong URL): the map would be markers on grey.
  const FAILED_TILES_BEFORE_FALLBACK = 4;

  function popupContent(name, address) {
    const content = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = name;
    content.append(strong);
    if (address) {
      content.append(document.createElement("br"), address);
    }
    return content;
  }

  function attributionHtml(text, url) {
    const link = document.createElement(url ? "a" : "span");
    link.textContent = text;
    if (url) link.href = url;
    return link.outerHTML;
  }

  function show(container) {
    const options = container.dataset;
    const places = document.getElementById(options.table);
    const status = container.parentElement.querySelector("[data-map-status]");
    const rows = places ? places.querySelectorAll("tr[data-place]") : [];
    if (!rows.length) return;

    container.hidden = false;
    const map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: options.zoomIn, zoomOutTitle: options.zoomOut }).addTo(map);
    const tiles = L.tileLayer(options.tileUrl, {
      attribution: attributionHtml(options.attribution, options.attributionUrl),
      maxZoom: Number(options.maxZoom) || 18,
    });
    let loaded = 0;
    let failed = 0;
    tiles.on("tileload", () => { loaded += 1; });
    tiles.on("tileerror", () => {
      failed += 1;
      if (loaded === 0 && failed === FAILED_TILES_BEFORE_FALLBACK) {
        map.remove();
        container.hidden = true;
        places.open = true;
        if (status) status.hidden = false;
      }
    });
    tiles.addTo(map);

    const icon = L.icon({
      iconUrl: options.iconUrl,
      iconRetinaUrl: options.icon2xUrl,
      shadowUrl: options.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
    const bounds = [];
    rows.forEach((row) => {
      const latitude = Number.parseFloat(row.dataset.lat);
      const longitude = Number.parseFloat(row.dataset.lon);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return;
      const name = row.querySelector("th").textContent.trim();
      const addressCell = row.querySelector("[data-address]");
      const address = addressCell ? addressCell.textContent.trim() : "";
      // keyboard: Tab reaches each marker (a button named by its place); Enter opens its popup.
      L.marker([latitude, longitude], { icon, alt: name, title: name, keyboard: true })
        .bindPopup(popupContent(name, address), { closeButton: true })
        .addTo(map);
      bounds.push([latitude, longitude]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    map.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", options.close);
    });
    // The map is up: the table folds away under its summary, still one keypress away.
    places.open = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-map-preview]").forEach(show);
  });
})();
