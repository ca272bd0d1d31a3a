// The "Rotate automatically" form: three whole numbers, each within its limits, or a message per field.
import { SETTING_LIMITS, type AutomationSettings } from '../../automation/automations.ts';

type AutomationFormValues = Record<keyof AutomationSettings, string>;

export type AutomationForm =
  | { ok: true; settings: AutomationSettings }
  | { ok: false; values: AutomationFormValues; errors: Partial<Record<keyof AutomationSettings, string>> };

const WORDS: Record<keyof AutomationSettings, string> = {
  whenDaysLeft: 'Days left',
  lifetimeDays: 'New lifetime',
  keepOldDays: 'Days to keep the old token',
};

const AUTOMATION_FIELDS = Object.keys(SETTING_LIMITS) as Array<keyof AutomationSettings>;

export function automationDefaults(): AutomationFormValues {
  return Object.fromEntries(
    AUTOMATION_FIELDS.map((field) => [field, String(SETTING_LIMITS[field].default)]),
  ) as AutomationFormValues;
}

export function parseAutomationForm(body: Record<string, unknown>): AutomationForm {
  const values = Object.fromEntries(
    AUTOMATION_FIELDS.map((field) => [field, typeof body[field] === 'string' ? (body[field] as string).trim() : '']),
  ) as AutomationFormValues;
  const errors: Partial<Record<keyof AutomationSettings, string>> = {};
  const settings = {} as AutomationSettings;
  for (const field of AUTOMATION_FIELDS) {
    const { min, max } = SETTING_LIMITS[field];
    const number = /^\d{1,3}$/.test(values[field]) ? Number(values[field]) : NaN;
    if (!Number.isInteger(number) || number < min || number > max)
      errors[field] = `${WORDS[field]} must be a whole number of days from ${min} to ${max}.`;
    else settings[field] = number;
  }
  if (!errors.whenDaysLeft && !errors.lifetimeDays && settings.whenDaysLeft >= settings.lifetimeDays)
    errors.whenDaysLeft = 'Days left must be fewer than the new lifetime, or every new token would be due at once.';
  return Object.keys(errors).length > 0 ? { ok: false, values, errors } : { ok: true, settings };
}
