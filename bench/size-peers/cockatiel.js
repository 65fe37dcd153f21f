export { circuitBreaker, retry, timeout, bulkhead, wrap, handleAll, ConsecutiveBreaker, ExponentialBackoff } from 'cockatiel';
