import type { Attributes } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * The SDK's default resource (telemetry.sdk.*) plus `service.name` and any extra attributes.
 * `service.name` is applied last so an extra attribute cannot silently rename the service.
 * Built with `resourceFromAttributes` (the 2.x API; `new Resource()` is gone) and without
 * detectors: there is no host or process worth describing in a browser, and async detectors would
 * make every export wait for them.
 */
export function serviceResource(serviceName: string, attributes: Attributes = {}): Resource {
  if (serviceName.trim() === '') throw new TypeError('serviceName must not be empty');
  return defaultResource().merge(resourceFromAttributes({ ...attributes, [ATTR_SERVICE_NAME]: serviceName }));
}
