'use client';

import { type Node, getNodesBounds, getViewportForBounds } from '@xyflow/react';

export type ImageFormat = 'png' | 'svg';

const PADDING = 0.08;

/**
 * Renders the whole graph (not just the visible part) to an image, as in the React Flow "download image" example:
 * fit the node bounds into a fixed-size frame and let html-to-image draw the viewport element with that transform.
 */
export async function exportGraphImage(container: HTMLElement, nodes: Node[], format: ImageFormat, fileName: string): Promise<void> {
  const viewport = container.querySelector<HTMLElement>('.react-flow__viewport');
  if (!viewport) throw new Error('graph is not rendered yet');
  const bounds = getNodesBounds(nodes);
  const width = Math.max(640, Math.min(4096, Math.ceil(bounds.width * 1.2)));
  const height = Math.max(480, Math.min(4096, Math.ceil(bounds.height * 1.2)));
  const transform = getViewportForBounds(bounds, width, height, 0.2, 2, PADDING);
  const { toPng, toSvg } = await import('html-to-image');
  const render = format === 'png' ? toPng : toSvg;
  const dataUrl = await render(viewport, {
    backgroundColor: getComputedStyle(document.body).backgroundColor,
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${transform.x}px, ${transform.y}px) scale(${transform.zoom})` },
  });
  const link = document.createElement('a');
  link.download = `${fileName}.${format}`;
  link.href = dataUrl;
  link.click();
}
