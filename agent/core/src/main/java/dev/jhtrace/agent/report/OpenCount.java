package dev.jhtrace.agent.report;

/**
 * One sample of the program's open-handle count over time.
 *
 * @param at   when, epoch milliseconds (the start of the sample's interval)
 * @param open the most handles open within the interval
 */
public record OpenCount(long at, int open) {}
