import { useEffect, useState } from 'preact/hooks';

/**
 * The pages' places, in the address bar's fragment (`#/verification/ver_…`), so a reload or the back button keeps the
 * person where they were. The link's own fragment (`#t=…`) is gone before the router starts.
 */
export type Route =
  | { name: 'home' }
  | { name: 'individual' }
  | { name: 'enterprise' }
  | { name: 'verification'; id: string }
  | { name: 'new-change'; type: string }
  | { name: 'change'; id: string }
  | { name: 'lookup' }
  | { name: 'lookup-result'; id: string }
  | { name: 'messages' };

export function parseRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  const id = second ? decodeURIComponent(second) : undefined;
  switch (first) {
    case 'individual':
      return { name: 'individual' };
    case 'enterprise':
      return { name: 'enterprise' };
    case 'verification':
      return id ? { name: 'verification', id } : { name: 'home' };
    case 'new-change':
      return id ? { name: 'new-change', type: id } : { name: 'home' };
    case 'change':
      return id ? { name: 'change', id } : { name: 'home' };
    case 'lookup':
      return id ? { name: 'lookup-result', id } : { name: 'lookup' };
    case 'messages':
      return { name: 'messages' };
    default:
      return { name: 'home' };
  }
}

export function href(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'verification':
    case 'change':
      return `#/${route.name}/${encodeURIComponent(route.id)}`;
    case 'new-change':
      return `#/new-change/${encodeURIComponent(route.type)}`;
    case 'lookup-result':
      return `#/lookup/${encodeURIComponent(route.id)}`;
    default:
      return `#/${route.name}`;
  }
}

export function go(route: Route): void {
  location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
