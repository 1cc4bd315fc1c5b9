<?php

// @codingStandardsIgnoreStart
class Akismet {
	const API_HOST = 'rest.akismet.com';
	const API_PORT = 80;
}
