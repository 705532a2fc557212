package io.conductorvx.model;

import java.util.List;

/** One page of search hits and the total number of matches. */
public record SearchResult<T>(long totalHits, List<T> results) {}
