<?php
/*
 * Plugin Name: Unfinished Plugin
 * Description: A plugin whose author forgot the version.
 */
