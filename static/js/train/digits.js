// The digits test set as a grid of 8×8 images with the network's prediction;
// mistakes first, so they are seen without scrolling.

const SHOWN = 120;

export function renderDigits(el, { test_images: images, test_labels: labels, predictions }) {
  const order = labels.map((_, i) => i);
  order.sort((a, b) => (predictions[b] !== labels[b]) - (predictions[a] !== labels[a]) || a - b);
  const cells = order.slice(0, SHOWN).map((i) => {
    const cell = document.createElement("figure");
    const wrong = predictions[i] !== labels[i];
    cell.className = wrong ? "digit wrong" : "digit";
    cell.dataset.label = labels[i];
    cell.dataset.prediction = predictions[i];
    cell.append(drawImage(images[i]));
    const caption = document.createElement("span");
    caption.textContent = wrong ? `${predictions[i]} (is ${labels[i]})` : String(predictions[i]);
    cell.append(caption);
    cell.title = wrong ? `predicted ${predictions[i]}, label ${labels[i]}` : `predicted ${labels[i]}`;
    return cell;
  });
  el.replaceChildren(...cells);
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
