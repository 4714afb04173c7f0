/**
 * Share block enhancements. Without JavaScript the block already shows the
 * link, the QR code and how to print; here a print button replaces the
 * hint, and phones with the Web Share API get their own share sheet. Both
 * stay on the device: nothing is sent anywhere by this script.
 */
for (const root of document.querySelectorAll<HTMLElement>('[data-share]')) {
  const printButton = root.querySelector<HTMLButtonElement>('[data-share-print]');
  const printHint = root.querySelector<HTMLElement>('[data-share-print-hint]');
  if (printButton && typeof window.print === 'function') {
    printButton.hidden = false;
    if (printHint) printHint.hidden = true;
    printButton.addEventListener('click', () => window.print());
  }

  const shareButton = root.querySelector<HTMLButtonElement>('[data-share-native]');
  const url = shareButton?.dataset.shareUrl;
  if (shareButton && url && typeof navigator.share === 'function') {
    const data: ShareData = { title: shareButton.dataset.shareTitle ?? document.title, url };
    if (typeof navigator.canShare !== 'function' || navigator.canShare(data)) {
      shareButton.hidden = false;
      shareButton.addEventListener('click', () => {
        // Cancelling the share sheet rejects; there is nothing to report.
        navigator.share(data).catch(() => undefined);
      });
    }
  }
}
