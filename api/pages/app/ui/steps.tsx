import { useI18n } from '../i18n';
import type { MessageKey } from '../catalogue';

export type StepState = 'done' | 'current' | 'pending';

/** The step bar of the seed: 填写基本信息 → 校验认证信息 → 认证完成 (or a process's own steps). */
export function StepBar(props: { steps: { label: MessageKey; state: StepState }[] }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('steps.label')}>
      <ol class="steps">
        {props.steps.map((step, i) => (
          <li key={step.label} class={step.state} aria-current={step.state === 'current' ? 'step' : undefined}>
            <span class="dot" aria-hidden="true">
              {step.state === 'done' ? '✓' : i + 1}
            </span>
            <span>{t(step.label)}</span>
            {step.state === 'done' && <span class="sr-only">({t('steps.done')})</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The three steps at a given point: 0 filling in, 1 verifying, 2 done. */
export function seedSteps(at: 0 | 1 | 2): { label: MessageKey; state: StepState }[] {
  const labels: MessageKey[] = ['steps.basic_info', 'steps.verify', 'steps.complete'];
  return labels.map((label, i) => ({ label, state: i < at || at === 2 ? 'done' : i === at ? 'current' : 'pending' }));
}
