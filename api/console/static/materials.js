// A case's uploaded materials, side by side: images inline, PDFs in the browser's own viewer.
// Each file is fetched with the bearer token (an <img src> cannot send one) and shown from a blob: URL,
// which the console's Content-Security-Policy allows (img-src blob:, frame-src blob:; api/console/routes.ts).
import { fetchContent, messageFor } from './api.js';
import { bi, fill, h, notice } from './dom.js';
import { purposeLabel } from './labels.js';

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

/** Renders the materials into `container`; returns what releases their blob URLs. */
export function renderMaterials(container, materials) {
  const urls = [];
  if (!Array.isArray(materials) || materials.length === 0) {
    fill(container, h('p', { class: 'muted' }, bi('无材料', 'No materials')));
    return () => {};
  }
  fill(container, h('div', { class: 'materials' }, materials.map((m) => figureFor(m, urls))));
  return () => {
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  };
}

function figureFor(material, urls) {
  const label = purposeLabel(material.purpose);
  const labelText = Array.isArray(label) ? label.map((n) => n.textContent).join(' ') : String(label);
  const view = h('div', { class: 'viewer loading' }, bi('加载中…', 'Loading…'));
  const links = h('p', { class: 'material-links' });
  const figure = h(
    'figure',
    { class: 'material', 'data-purpose': material.purpose, 'data-upload-id': material.uploadId },
    h('figcaption', {}, h('strong', {}, label), h('span', { class: 'upload-id mono muted' }, material.uploadId)),
    view,
    links,
  );

  fetchContent(material.contentUrl)
    .then(({ type, blob }) => {
      const url = URL.createObjectURL(blob);
      urls.push(url);
      view.classList.remove('loading');
      const open = h('a', { href: url, target: '_blank', rel: 'noopener' }, bi('新窗口打开', 'Open in a new tab'));
      if (IMAGE_TYPES.has(type)) {
        fill(view, h('img', { src: url, alt: labelText, 'data-type': type }));
        view.classList.add('image');
      } else if (type === 'application/pdf') {
        fill(view, h('iframe', { src: url, title: `${labelText} (PDF)`, 'data-type': type }));
        view.classList.add('pdf');
      } else {
        fill(view, h('p', {}, bi('无法预览此类型', 'No preview for this type'), ` (${type || 'unknown'})`));
      }
      fill(links, open, ' · ', h('a', { href: url, download: `${material.purpose}-${material.uploadId}` }, bi('下载', 'Download')));
    })
    .catch((err) => {
      view.classList.remove('loading');
      fill(view, notice(messageFor(err)));
    });
  return figure;
}
