import { STATUS_TEXT, type HopStatus } from '@/lib/graph/verdicts';
import { STATUS_BADGE } from './status-style';

export function StatusBadge({ status, prefix, size = 'sm' }: { status: HopStatus; prefix?: string; size?: 'xs' | 'sm' }) {
  const text = STATUS_TEXT[status];
  const sizing = size === 'xs' ? 'px-1.5 py-0 text-[11px]' : 'px-2 py-0.5 text-xs';
  return (
    <span
      data-testid="verdict"
      data-verdict={status}
      title={text.meaning}
      className={`inline-flex shrink-0 items-center gap-1 rounded-full font-semibold ring-1 ring-inset ${sizing} ${STATUS_BADGE[status]}`}
    >
      <span aria-hidden="true">{text.icon}</span>
      {prefix ? `${prefix} ` : ''}
      {text.label}
    </span>
  );
}
