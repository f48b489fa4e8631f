// The digits test set: a confusion matrix (rows the true digit, columns the
// prediction), and a balanced sample, one row of images per true digit with its
// mistakes first, so every digit is seen, not only those the mistakes are of.

const PER_CLASS = 12;

export function renderDigits(el, { test_images: images, test_labels: labels, predictions }) {
  const rows = [];
  for (let c = 0; c < 10; c += 1) {
    const of = labels.map((l, i) => i).filter((i) => labels[i] === c);
    of.sort((a, b) => (predictions[b] !== c) - (predictions[a] !== c) || a - b);
    const row = document.createElement("div");
    row.className = "digit-row";
    const head = document.createElement("span");
    head.className = "digit-row-label";
    head.textContent = `${c}:`;
    row.append(head, ...of.slice(0, PER_CLASS).map((i) => cell(images[i], labels[i], predictions[i])));
    rows.push(row);
  }
  el.replaceChildren(...rows);
}

function cell(pixels, label, prediction) {
  const figure = document.createElement("figure");
  const wrong = prediction !== label;
  figure.className = wrong ? "digit wrong" : "digit";
  figure.dataset.label = label;
  figure.dataset.prediction = prediction;
  figure.append(drawImage(pixels));
  const caption = document.createElement("span");
  caption.textContent = wrong ? `→${prediction}` : String(prediction);  // the row says the truth
  figure.append(caption);
  figure.title = wrong ? `a ${label}, predicted ${prediction}` : `a ${label}, predicted ${label}`;
  return figure;
}

/** A 10×10 table of counts, shaded by count; the diagonal (right answers) in green. */
export function renderConfusion(table, matrix) {
  const max = Math.max(1, ...matrix.flatMap((row, i) => row.filter((_, j) => j !== i)));
  const head = document.createElement("tr");
  head.append(th("true↓ pred→", "col"), ...matrix.map((_, j) => th(String(j), "col")));
  const body = matrix.map((row, i) => {
    const tr = document.createElement("tr");
    tr.append(th(String(i), "row"), ...row.map((n, j) => {
      const td = document.createElement("td");
      td.textContent = String(n);
      td.dataset.true = i;
      td.dataset.predicted = j;
      if (i === j) td.className = "diag";
      else if (n > 0) td.style.background = `rgb(217 45 32 / ${(0.12 + 0.6 * n / max).toFixed(2)})`;
      return td;
    }));
    return tr;
  });
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  tbody.append(...body);
  table.replaceChildren(thead, tbody);
}

function th(text, scope) {
  const el = document.createElement("th");
  el.scope = scope;
  el.textContent = text;
  return el;
}

function drawImage(pixels) {
  const canvas = document.createElement("canvas");
  canvas.width = 8;
  canvas.height = 8;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(8, 8);
  pixels.forEach((v, k) => {
    const ink = 255 - Math.round((v / 16) * 255);  // 16 = fully inked
    img.data.set([ink, ink, ink, 255], k * 4);
  });
  ctx.putImageData(img, 0, 0);
  return canvas;
}
