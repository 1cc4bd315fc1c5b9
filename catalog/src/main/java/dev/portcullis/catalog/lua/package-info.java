/** Lua modules LuaRocks installed ({@code lua-rocks-cataloger}). */
@NullMarked
package dev.portcullis.catalog.lua;

import org.jspecify.annotations.NullMarked;
