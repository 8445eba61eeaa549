import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { accessOf } from '../../src/identity/access.guard';
import { TestApp } from './test-app';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  roles: string[] | null;
}

function joinPath(...parts: (string | undefined)[]): string {
  const path = parts
    .filter((p) => p !== undefined && p !== '')
    .map((p) => String(p).replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${path}`;
}

/** Every HTTP route the application registers, with what it declares about access. */
export function listRoutes(t: TestApp): RouteInfo[] {
  const modules = t.app.get(ModulesContainer, { strict: false });
  const scanner = new MetadataScanner();
  const reflector = t.app.get(Reflector, { strict: false });
  const routes: RouteInfo[] = [];
  const controllers = [...modules.values()].flatMap((m) => [...m.controllers.values()]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object | undefined;
    const type = wrapper.metatype as Function | undefined;
    if (!instance || !type) continue;
    const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, type) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, Function>)[name];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (methodPath === undefined || method === undefined) continue;
      const access = accessOf(reflector, handler, type);
      for (const prefix of prefixes) {
        for (const path of ([] as string[]).concat(methodPath)) {
          routes.push({ method: RequestMethod[method], path: joinPath(prefix, path), controller: type.name, handler: name, ...access });
        }
      }
    }
  }
  return routes;
}
