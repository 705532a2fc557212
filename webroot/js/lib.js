// The UI toolkit in one place: Preact with hooks, and htm for templates without a build step.
import { h, render, Fragment, Component } from '../vendor/preact/preact.module.js';
import { useState, useEffect, useRef, useMemo, useCallback, useLayoutEffect } from '../vendor/preact/hooks.module.js';
import htm from '../vendor/htm/htm.module.js';

export const html = htm.bind(h);
export { h, render, Fragment, Component, useState, useEffect, useRef, useMemo, useCallback, useLayoutEffect };
